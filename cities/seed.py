"""The site's seed content: what the original "Learning Cities" page says.

Beyond the page itself only these facts are added, each with its source:
provinces and city-centre coordinates (Ecuador's official geography; used for the map),
Loja's UIL member profile (https://uil.unesco.org/city/loja) and Cuenca's 2024 UNESCO
Learning City Award (UIL's awardee page, cited on the award row).
"""

DEFINITION_INTRO = "UNESCO defines a learning city as a city that:"

BENEFITS = (
    "Following these guidelines, learning cities enhance individual empowerment, social "
    "inclusion, economic development, cultural prosperity, and sustainable development."
)

LEARN_MORE_INTRO = "Learn more about learning cities:"

LEARN_MORE_LINKS = [
    {
        "title": "UNESCO Global Network of Learning Cities",
        "url": "https://www.uil.unesco.org/en/learning-cities",
        "description": "The network's home at the UNESCO Institute for Lifelong Learning.",
    },
]

# The six building blocks, in the seed's order and words.
CRITERIA = [
    {
        "slug": "inclusive-learning",
        "title": "Inclusive learning from basic to higher education",
        "statement": "effectively mobilizes its resources across all sectors to promote "
        "inclusive learning from basic to higher education",
    },
    {
        "slug": "families-and-communities",
        "title": "Learning in families and communities",
        "statement": "revitalizes learning in families and communities",
    },
    {
        "slug": "workplace",
        "title": "Learning for and in the workplace",
        "statement": "facilitates learning for and in the workplace",
    },
    {
        "slug": "learning-technologies",
        "title": "Modern learning technologies",
        "statement": "expands the use of modern learning technologies",
    },
    {
        "slug": "quality-and-excellence",
        "title": "Quality and excellence in learning",
        "statement": "improves the quality and excellence of learning",
    },
    {
        "slug": "lifelong-learning-culture",
        "title": "A culture of lifelong learning",
        "statement": "fosters a culture of lifelong learning",
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
        # The seed says these programs promote inclusive learning.
        "programs": [
            ("bajale-al-acoso", "Bájale al Acoso"),
            (
                "integrated-care-system-for-older-adults",
                "Integrated Care System for Older Adults",
            ),
            ("jovenes-quito", "Jóvenes Quito"),
            ("guagua-centros", "Guagua Centros"),
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
        # The seed names no author for this photo: recorded as unknown, never invented.
        "photo": {
            "reference": "Azogues_01",
            "author": "",
            "holder": "",
            "colours": ((140, 160, 200), (240, 190, 160), (70, 54, 60)),
        },
    },
]
