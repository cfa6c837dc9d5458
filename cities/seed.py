"""The site's seed content: what the original "Learning Cities" page says.

Beyond the page itself only these facts are added, each with its source:
provinces and city-centre coordinates (Ecuador's official geography; used for the map),
Loja's UIL member profile (https://uil.unesco.org/city/loja) and Cuenca's 2024 UNESCO
Learning City Award (UIL's awardee page, cited on the award row).

The page is English; the `*_es` texts are its faithful Spanish version. Proper names stay
as they are ("Bájale al Acoso", "Jóvenes Quito", "Guagua Centros").
"""

DEFINITION_INTRO = "UNESCO defines a learning city as a city that:"
DEFINITION_INTRO_ES = "La UNESCO define una ciudad del aprendizaje como una ciudad que:"

BENEFITS = (
    "Following these guidelines, learning cities enhance individual empowerment, social "
    "inclusion, economic development, cultural prosperity, and sustainable development."
)
BENEFITS_ES = (
    "Siguiendo estas pautas, las ciudades del aprendizaje fortalecen el empoderamiento "
    "individual, la inclusión social, el desarrollo económico, la prosperidad cultural y el "
    "desarrollo sostenible."
)

LEARN_MORE_INTRO = "Learn more about learning cities:"
LEARN_MORE_INTRO_ES = "Más información sobre las ciudades del aprendizaje:"

LEARN_MORE_LINKS = [
    {
        "title": "UNESCO Global Network of Learning Cities",
        "url": "https://www.uil.unesco.org/en/learning-cities",
        "description": "The network's home at the UNESCO Institute for Lifelong Learning.",
        "title_es": "Red Mundial de Ciudades del Aprendizaje de la UNESCO",
        "description_es": "La casa de la red en el Instituto de la UNESCO para el "
        "Aprendizaje a lo Largo de Toda la Vida.",
    },
]

# The six building blocks, in the seed's order and words.
CRITERIA = [
    {
        "slug": "inclusive-learning",
        "title": "Inclusive learning from basic to higher education",
        "statement": "effectively mobilizes its resources across all sectors to promote "
        "inclusive learning from basic to higher education",
        "title_es": "Aprendizaje inclusivo, de la educación básica a la superior",
        "statement_es": "moviliza eficazmente sus recursos en todos los sectores para promover el "
        "aprendizaje inclusivo, desde la educación básica hasta la superior",
    },
    {
        "slug": "families-and-communities",
        "title": "Learning in families and communities",
        "statement": "revitalizes learning in families and communities",
        "title_es": "Aprendizaje en las familias y las comunidades",
        "statement_es": "revitaliza el aprendizaje en las familias y las comunidades",
    },
    {
        "slug": "workplace",
        "title": "Learning for and in the workplace",
        "statement": "facilitates learning for and in the workplace",
        "title_es": "Aprendizaje para el trabajo y en el trabajo",
        "statement_es": "facilita el aprendizaje para el trabajo y en el lugar de trabajo",
    },
    {
        "slug": "learning-technologies",
        "title": "Modern learning technologies",
        "statement": "expands the use of modern learning technologies",
        "title_es": "Tecnologías modernas de aprendizaje",
        "statement_es": "amplía el uso de las tecnologías modernas de aprendizaje",
    },
    {
        "slug": "quality-and-excellence",
        "title": "Quality and excellence in learning",
        "statement": "improves the quality and excellence of learning",
        "title_es": "Calidad y excelencia en el aprendizaje",
        "statement_es": "mejora la calidad y la excelencia del aprendizaje",
    },
    {
        "slug": "lifelong-learning-culture",
        "title": "A culture of lifelong learning",
        "statement": "fosters a culture of lifelong learning",
        "title_es": "Una cultura de aprendizaje a lo largo de toda la vida",
        "statement_es": "fomenta una cultura de aprendizaje a lo largo de toda la vida",
    },
]

CUENCA_AWARD_SOURCE = (
    "https://unesco-uil.pageflow.io/unesco-learning-city-awardee-2024-cuenca-ecuador"
)

CITIES = [
    {
        "slug": "cuenca",
        "name": "Cuenca",
        "province": "Azuay",
        "year_joined": 2017,
        "latitude": "-2.90055",
        "longitude": "-79.00453",
        "tagline": "An inclusive and sustainable approach to lifelong learning.",
        "narrative": "Cuenca joined the UNESCO Global Network of Learning Cities in 2017, "
        "adopting an inclusive and sustainable approach to promote lifelong learning. "
        "Through participatory policies, the city has strengthened access to information and "
        "empowered local communities, prioritizing continuous education as a pillar of "
        "community development.",
        "tagline_es": (
            "Un enfoque inclusivo y sostenible del aprendizaje a lo largo de toda la vida."
        ),
        "narrative_es": "Cuenca se unió a la Red Mundial de Ciudades del Aprendizaje de la "
        "UNESCO en 2017, "
        "adoptando un enfoque inclusivo y sostenible para promover el aprendizaje a lo "
        "largo de toda la vida. Mediante políticas participativas, la ciudad ha fortalecido "
        "el acceso a la información y ha empoderado a las comunidades locales, priorizando "
        "la educación continua como pilar del desarrollo comunitario.",
        "awards": [{"year": 2024, "source_url": CUENCA_AWARD_SOURCE}],
        "photo": {
            "reference": "CUENCA_JorobaVlogs_01",
            "author": "JorobaVlogs",
            "holder": "",
            "colours": ((104, 152, 196), (238, 205, 170), (36, 66, 58)),
        },
    },
    {
        "slug": "quito",
        "name": "Quito",
        "province": "Pichincha",
        "year_joined": 2018,
        "latitude": "-0.18065",
        "longitude": "-78.46784",
        "tagline": "Social policies aligned with the Sustainable Development Goals.",
        "narrative": "Quito joined the UNESCO Global Network of Learning Cities in 2018, "
        "recognized for its commitment to social policies aligned with the Sustainable "
        "Development Goals (SDGs). Through programs such as Bájale al Acoso, the Integrated "
        "Care System for Older Adults, Jóvenes Quito, and Guagua Centros, the city promotes "
        "inclusive learning, respect, safety, and well-being for all its population.",
        "tagline_es": "Políticas sociales alineadas con los Objetivos de Desarrollo Sostenible.",
        "narrative_es": "Quito se unió a la Red Mundial de Ciudades del Aprendizaje de la "
        "UNESCO en 2018, "
        "reconocida por su compromiso con políticas sociales alineadas con los Objetivos de "
        "Desarrollo Sostenible (ODS). A través de programas como Bájale al Acoso, el "
        "Sistema Integral de Atención a Personas Adultas Mayores, Jóvenes Quito y Guagua "
        "Centros, la ciudad promueve el aprendizaje inclusivo, el respeto, la seguridad y "
        "el bienestar de toda su población.",
        # The seed says these programs promote inclusive learning.
        # (slug, English name, Spanish name)
        "programs": [
            ("bajale-al-acoso", "Bájale al Acoso", "Bájale al Acoso"),
            (
                "integrated-care-system-for-older-adults",
                "Integrated Care System for Older Adults",
                "Sistema Integral de Atención a Personas Adultas Mayores",
            ),
            ("jovenes-quito", "Jóvenes Quito", "Jóvenes Quito"),
            ("guagua-centros", "Guagua Centros", "Guagua Centros"),
        ],
        "photo": {
            "reference": "Patrimonio_Quito_01",
            "author": "",
            "holder": "Patrimonio Quito",
            "colours": ((92, 140, 190), (246, 214, 176), (52, 58, 82)),
        },
    },
    {
        "slug": "loja",
        "name": "Loja",
        "province": "Loja",
        "year_joined": 2022,
        "latitude": "-3.99313",
        "longitude": "-79.20422",
        "tagline": "Education, health, safety, mobility, entrepreneurship and sustainability.",
        "narrative": "Since 2022, Loja has been part of the UNESCO Global Network of Learning "
        "Cities, following the submission of a comprehensive proposal focused on education, "
        "health, safety, mobility, entrepreneurship, and sustainability. This recognition "
        "promotes collaboration among the public and private sectors, as well as citizens, "
        "strengthening learning and sustainable development through strategic planning and "
        "the exchange of experiences.",
        "tagline_es": "Educación, salud, seguridad, movilidad, emprendimiento y sostenibilidad.",
        "narrative_es": "Desde 2022, Loja forma parte de la Red Mundial de Ciudades del "
        "Aprendizaje de la "
        "UNESCO, tras la presentación de una propuesta integral centrada en la educación, "
        "la salud, la seguridad, la movilidad, el emprendimiento y la sostenibilidad. Este "
        "reconocimiento promueve la colaboración entre los sectores público y privado, así "
        "como con la ciudadanía, fortaleciendo el aprendizaje y el desarrollo sostenible "
        "mediante la planificación estratégica y el intercambio de experiencias.",
        "uil_profile_url": "https://uil.unesco.org/city/loja",
        "photo": {
            "reference": "LOJA_Daniel_Morejon_Ministerio_de_Cultura_y_Patrimonio_01",
            "author": "Daniel Morejón",
            "holder": "Ministerio de Cultura y Patrimonio",
            "colours": ((126, 170, 200), (232, 222, 180), (46, 84, 52)),
        },
    },
    {
        "slug": "azogues",
        "name": "Azogues",
        "province": "Cañar",
        "year_joined": 2024,
        "latitude": "-2.73969",
        "longitude": "-78.84860",
        "tagline": "Literacy, digital literacy and education for peace.",
        "narrative": "The city aims to address the challenges of low literacy and digital "
        "literacy through the implementation of a multi-phase plan involving the creation of "
        "educational communities, the establishment of partnerships with public institutions "
        "and universities, and the development of a curricular schedule. Additionally, "
        "Azogues seeks to foster social and emotional skills in people of all ages, promoting "
        "education for peace and leadership.",
        "tagline_es": "Alfabetización, alfabetización digital y educación para la paz.",
        "narrative_es": "La ciudad busca afrontar los desafíos del bajo nivel de "
        "alfabetización y de "
        "alfabetización digital mediante la ejecución de un plan por fases que comprende la "
        "creación de comunidades educativas, el establecimiento de alianzas con "
        "instituciones públicas y universidades, y el desarrollo de un cronograma "
        "curricular. Además, Azogues busca fomentar las habilidades sociales y emocionales "
        "en personas de todas las edades, promoviendo la educación para la paz y el "
        "liderazgo.",
        # The seed names no author for this photo: recorded as unknown, never invented.
        "photo": {
            "reference": "Azogues_01",
            "author": "",
            "holder": "",
            "colours": ((140, 160, 200), (240, 190, 160), (70, 54, 60)),
        },
    },
]
