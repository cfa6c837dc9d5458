"""What public sources add to the seed page: each city's UNESCO profile and programs.

The seed page's own text (cities/seed.py) is never changed; this adds, for each city, what
a public page documents, with that page's address stored on the row it supports. Texts are
written for this site, in English and Spanish, from these sources:

- UNESCO's member profiles (uil.unesco.org): Loja, Azogues and Cuenca. Where a profile groups
  the work under UNESCO's three policy themes (Loja, Azogues), the programs keep its theme;
  the themes of Quito's and Cuenca's programs are this site's reading of what they do.
- UNESCO's 2024 award story of Cuenca (unesco-uil.pageflow.io).
- Quito's municipality (patronato.quito.gob.ec, pasajeros.quito.gob.ec, quitoinforma.gob.ec)
  and the Ecuadorian press (Últimas Noticias, La Hora, El Mercurio, El Universo, Dialoguemos)
  for Quito's programs and the mayors.

Left out for want of a source: Loja's mayor since the council removed Franco Quezada (2025),
the focal points of Quito, Cuenca and Loja, Quito's vision, what "Jóvenes Quito" does, and
that Quito Wawas succeeds Guagua Centros (likely, but no source says so).
"""

from .seed import CUENCA_AWARD_SOURCE

UIL_CUENCA = "https://www.uil.unesco.org/en/learning-cities/cuenca"
UIL_LOJA = "https://uil.unesco.org/city/loja"
UIL_AZOGUES = "https://www.uil.unesco.org/en/learning-cities/azogues"

SUSTAINABILITY_HEALTH = "sustainability_health"
EQUITY_INCLUSION = "equity_inclusion"
DECENT_WORK = "decent_work"

# Filled into each city's row while empty: `*_es` fields are the Spanish columns, the others
# the English ones (translated) or the only one (names, years, addresses).
PROFILES = {
    "cuenca": {
        "uil_profile_url": UIL_CUENCA,
        "mayor": "Cristian Zamora",
        "mayor_since": 2023,
        "mayor_source_url": (
            "http://elmercurio.com.ec/2023/03/02/alcaldes-electos-azuay-perfil-provincia/"
        ),
        "vision": "Cuenca wants to strengthen the social memory and human development of its "
        "people, and to guarantee free access to knowledge, from science and technology to "
        "cultural exchange, as wisdom handed down by earlier generations.\n\n"
        "Community projects for every age group revive and renew ancient knowledge, values "
        "and crafts of the Andes, so that the city's cultural heritage also drives its "
        "economic development.",
        "vision_es": "Cuenca quiere fortalecer la memoria social y el desarrollo humano de su "
        "gente, y garantizar el libre acceso al conocimiento, de la ciencia y la tecnología "
        "al intercambio cultural, como saber heredado de las generaciones anteriores.\n\n"
        "Proyectos comunitarios para todas las edades recuperan y renuevan saberes, valores y "
        "oficios ancestrales de los Andes, para que el patrimonio cultural de la ciudad "
        "impulse también su desarrollo económico.",
        "profile_source_url": UIL_CUENCA,
    },
    "quito": {
        "mayor": "Pabel Muñoz",
        "mayor_since": 2023,
        "mayor_source_url": (
            "https://dialoguemos.ec/2023/05/pabel-munoz-en-politica-hay-adversarios-pero-no-enemigos"
        ),
    },
    "loja": {
        "vision": "Loja wants to eradicate illiteracy through lifelong-learning policies and "
        "a municipal network for literacy and learning. It promotes emotional health, the "
        "well-being of families and sustainable development, and removes barriers to "
        "learning with the help of community houses in the neighbourhoods.\n\n"
        "The city sees lifelong learning as the way to sustainable businesses that keep "
        "local families economically secure.",
        "vision_es": "Loja quiere erradicar el analfabetismo mediante políticas de aprendizaje "
        "a lo largo de toda la vida y una red municipal de alfabetización y aprendizaje. "
        "Promueve la salud emocional, el bienestar de las familias y el desarrollo "
        "sostenible, y elimina barreras al aprendizaje con el apoyo de las casas comunales "
        "de los barrios.\n\n"
        "La ciudad ve en el aprendizaje a lo largo de toda la vida el camino hacia "
        "emprendimientos sostenibles que den estabilidad económica a las familias locales.",
        "profile_source_url": UIL_LOJA,
    },
    "azogues": {
        "uil_profile_url": UIL_AZOGUES,
        "mayor": "Javier Serrano Cayamcela",
        "mayor_since": 2023,
        "mayor_source_url": "https://www.eluniverso.com/noticias/ecuador/un-exconcejal-gano-la-"
        "alcaldia-de-azogues-y-vencio-al-actual-alcalde-que-buscaba-la-reeleccion-nota/",
        "focal_point_name": "Emily Adriana Riera Alvarez",
        "vision": "Azogues wants to show that a city does not need to be large to be among "
        "the best, but it does need unity, knowledge and perseverance.\n\n"
        "Its plan against low literacy and digital literacy builds educational communities "
        "and partnerships with public institutions and universities, and follows a "
        "curriculum calendar; alongside it, the city nurtures social and emotional skills at "
        "every age, for peace and leadership.",
        "vision_es": "Azogues quiere mostrar que una ciudad no necesita ser grande para estar "
        "entre las mejores, pero sí unidad, conocimiento y perseverancia.\n\n"
        "Su plan contra el bajo nivel de alfabetización y de alfabetización digital forma "
        "comunidades educativas y alianzas con instituciones públicas y universidades, y "
        "sigue un calendario curricular; a la vez, la ciudad cultiva habilidades sociales y "
        "emocionales en todas las edades, para la paz y el liderazgo.",
        "profile_source_url": UIL_AZOGUES,
    },
}

# Each city's programs beyond the seed page, and what sources add to the seed page's own
# (Quito's four, matched by slug: their names stay the seed's). Criteria are slugs of
# seed.CRITERIA; `replaced_by` is the slug of another program of the same city.
PROGRAMS = {
    "cuenca": [
        {
            "slug": "municipal-initial-education-centres",
            "name": "Municipal Initial Education Centres",
            "name_es": "Centros Municipales de Educación Inicial",
            "summary": "Structured early education for children from 1 year to 4 years and "
            "11 months whose families face poverty, migration or insecurity, following the "
            "Ministry of Education's curriculum. Featured in UNESCO's 2024 award story.",
            "summary_es": "Educación inicial estructurada para niñas y niños de 1 año a 4 años "
            "y 11 meses cuyas familias enfrentan pobreza, migración o inseguridad, según el "
            "currículo del Ministerio de Educación. Destacada en el relato del premio de la "
            "UNESCO de 2024.",
            "theme": EQUITY_INCLUSION,
            "good_practice": True,
            "criteria": ["inclusive-learning", "families-and-communities"],
            "source_url": CUENCA_AWARD_SOURCE,
        },
        {
            "slug": "master-class-of-sweets",
            "name": "Master Class of Sweets",
            "name_es": "Clase magistral de dulces",
            "summary": "Workshops that teach adults, above all women and older people, to make "
            "the traditional sweets of Cuenca's Corpus Christi festival: a heritage skill "
            "that can become a small business.",
            "summary_es": "Talleres que enseñan a personas adultas, sobre todo mujeres y "
            "personas mayores, a preparar los dulces tradicionales del Corpus Christi de "
            "Cuenca: un saber patrimonial que puede convertirse en un emprendimiento.",
            "theme": DECENT_WORK,
            "good_practice": True,
            "criteria": ["workplace", "lifelong-learning-culture"],
            "source_url": CUENCA_AWARD_SOURCE,
        },
        {
            "slug": "digital-training-for-older-adults",
            "name": "Digital training for older adults",
            "name_es": "Formación digital para personas adultas mayores",
            "summary": "Courses in which older people learn to use digital tools, offered by "
            "the municipality together with courses for craftspeople and business skills.",
            "summary_es": "Cursos en los que las personas mayores aprenden a usar herramientas "
            "digitales, que el municipio ofrece junto con cursos para artesanos y de "
            "habilidades empresariales.",
            "theme": EQUITY_INCLUSION,
            "criteria": ["learning-technologies", "lifelong-learning-culture"],
            "source_url": UIL_CUENCA,
        },
    ],
    "quito": [
        {
            "slug": "bajale-al-acoso",
            "summary": "From March 2017, riders of the Trolebús and Ecovía buses could report "
            "sexual harassment by text message (ACOSO to 6367); the driver was alerted and "
            "staff met the bus at the next stop. It grew into the Cero Acoso strategy.",
            "summary_es": "Desde marzo de 2017, quienes viajaban en el Trolebús y la Ecovía "
            "podían denunciar el acoso sexual con un mensaje de texto (ACOSO al 6367); se "
            "alertaba al conductor y el personal esperaba al bus en la siguiente parada. Dio "
            "paso a la estrategia Cero Acoso.",
            "theme": EQUITY_INCLUSION,
            "start_year": 2017,
            "lifecycle": "replaced",
            "replaced_by": "cero-acoso",
            "criteria": ["inclusive-learning", "families-and-communities"],
            "source_url": "https://ultimasnoticias.ec/las-ultimas/plan-acoso-quito-mujer-sexual.html",
        },
        {
            "slug": "integrated-care-system-for-older-adults",
            "summary": "Quito's care for older adults includes “60 y PiQuito”, run by the "
            "Patronato Municipal San José: workshops and recreational activities in nine "
            "experience centres and neighbourhood points across the district, for their "
            "social inclusion and active participation.",
            "summary_es": "La atención de Quito a las personas adultas mayores incluye “60 y "
            "PiQuito”, a cargo del Patronato Municipal San José: talleres y actividades "
            "recreativas en nueve centros de experiencia y puntos barriales de todo el "
            "distrito, para su inclusión social y participación activa.",
            "theme": SUSTAINABILITY_HEALTH,
            "criteria": [
                "inclusive-learning",
                "families-and-communities",
                "lifelong-learning-culture",
            ],
            "source_url": "https://www.patronato.quito.gob.ec/2022/03/24/cientos-adultos-"
            "mayores-participan-las-bailoterapias-patronato-municipal-san-jose/",
        },
        {
            "slug": "guagua-centros",
            "summary": "Free community centres for children aged 1 to 3 from low-income "
            "families, opened from 2014. The roughly 200 centres closed for good after the "
            "COVID-19 pandemic, leaving some 9,000 children without the service.",
            "summary_es": "Centros comunitarios gratuitos para niñas y niños de 1 a 3 años de "
            "familias de escasos recursos, abiertos desde 2014. Los cerca de 200 centros "
            "cerraron definitivamente tras la pandemia de COVID-19 y unos 9.000 niños se "
            "quedaron sin el servicio.",
            "theme": EQUITY_INCLUSION,
            "start_year": 2014,
            "lifecycle": "ended",
            "criteria": ["inclusive-learning", "families-and-communities"],
            "source_url": "https://www.lahora.com.ec/pais/quito-guagua-centros-cierre/",
        },
        {
            "slug": "cero-acoso",
            "name": "Cero Acoso",
            "name_es": "Cero Acoso",
            "summary": "The city's strategy against sexual harassment on public transport: "
            "panic buttons, cameras and signs on the buses, reports by text message or QR "
            "code, a protocol to help victims, and staff trained to prevent harassment.",
            "summary_es": "La estrategia de la ciudad contra el acoso sexual en el transporte "
            "público: botones de pánico, cámaras y señalética en los buses, denuncias por "
            "mensaje de texto o código QR, un protocolo de atención a las víctimas y personal "
            "capacitado en prevención.",
            "theme": EQUITY_INCLUSION,
            "criteria": ["families-and-communities", "workplace"],
            "source_url": "https://pasajeros.quito.gob.ec/?p=9534",
        },
        {
            "slug": "quito-wawas",
            "name": "Quito Wawas",
            "name_es": "Quito Wawas",
            "summary": "Early childhood development centres for children from birth to 3 "
            "years: 95 across the district, three of them (El Tejar, Quitumbe and Calderón) "
            "run directly by the municipality.",
            "summary_es": "Centros de desarrollo infantil integral para niñas y niños de 0 a 3 "
            "años: 95 en todo el distrito, tres de ellos (El Tejar, Quitumbe y Calderón) "
            "administrados directamente por el municipio.",
            "theme": EQUITY_INCLUSION,
            "criteria": ["inclusive-learning", "families-and-communities"],
            "source_url": "https://www.quitoinforma.gob.ec/?p=251182",
        },
    ],
    "loja": [
        {
            "slug": "seed-schools",
            "name": "Seed schools",
            "name_es": "Escuelas semilla",
            "summary": "Schools that train and certify new entrepreneurs and leaders, part of "
            "Loja's support for agriculture, livestock farming and local business.",
            "summary_es": "Escuelas que forman y certifican a nuevos emprendedores y líderes, "
            "dentro del apoyo de Loja a la agricultura, la ganadería y el emprendimiento local.",
            "theme": DECENT_WORK,
            "criteria": ["workplace"],
            "source_url": UIL_LOJA,
        },
        {
            "slug": "learning-weeks",
            "name": "Learning weeks",
            "name_es": "Semanas del aprendizaje",
            "summary": "Weeks of workshops in which participants learn what they need to set "
            "up a business of their own.",
            "summary_es": "Semanas de talleres en los que las personas participantes aprenden lo "
            "necesario para crear su propio negocio.",
            "theme": DECENT_WORK,
            "criteria": ["workplace", "lifelong-learning-culture"],
            "source_url": UIL_LOJA,
        },
        {
            "slug": "dignity",
            "name": "DIGNITY",
            "name_es": "DIGNITY",
            "summary": "An educational programme for impoverished Venezuelan families living "
            "in Loja, supported by the International Organization for Migration (IOM).",
            "summary_es": "Un programa educativo para familias venezolanas empobrecidas que "
            "viven en Loja, con el apoyo de la Organización Internacional para las "
            "Migraciones (OIM).",
            "theme": EQUITY_INCLUSION,
            "criteria": ["inclusive-learning", "families-and-communities"],
            "source_url": UIL_LOJA,
        },
        {
            "slug": "haciendo-panas",
            "name": "Social reintegration of migrants with the Haciendo Panas Foundation",
            "name_es": "Reintegración social de migrantes con la Fundación Haciendo Panas",
            "summary": "Under an agreement with the Haciendo Panas Foundation, the city "
            "repeats the foundation's model for helping migrants rebuild their lives in the "
            "community.",
            "summary_es": "Mediante un convenio con la Fundación Haciendo Panas, la ciudad "
            "replica el modelo de la fundación para ayudar a las personas migrantes a rehacer "
            "su vida en la comunidad.",
            "theme": EQUITY_INCLUSION,
            "criteria": ["families-and-communities"],
            "source_url": UIL_LOJA,
        },
        {
            "slug": "entrepreneurship-training-for-people-with-disabilities",
            "name": "Entrepreneurship training for people with disabilities",
            "name_es": "Formación en emprendimiento para personas con discapacidad",
            "summary": "Free training and workshops on entrepreneurship for vulnerable groups "
            "of people with disabilities.",
            "summary_es": "Formación y talleres gratuitos de emprendimiento para grupos "
            "vulnerables de personas con discapacidad.",
            "theme": EQUITY_INCLUSION,
            "criteria": ["inclusive-learning", "workplace"],
            "source_url": UIL_LOJA,
        },
        {
            "slug": "stories-that-change-the-story",
            "name": "Stories that change the story",
            "name_es": "Historias que cambian la historia",
            "summary": "A project that UNESCO's member profile of Loja names among the city's "
            "good practices.",
            "summary_es": "Un proyecto que el perfil de Loja como miembro de la UNESCO cuenta "
            "entre las buenas prácticas de la ciudad.",
            "good_practice": True,
            "source_url": UIL_LOJA,
        },
    ],
    "azogues": [
        {
            "slug": "literacy-and-digital-literacy-plan",
            "name": "Literacy and digital-literacy plan",
            "name_es": "Plan de alfabetización y alfabetización digital",
            "summary": "A plan in phases against low literacy and digital literacy: "
            "educational communities, partnerships with public institutions and universities, "
            "and a curriculum calendar.",
            "summary_es": "Un plan por fases contra el bajo nivel de alfabetización y de "
            "alfabetización digital: comunidades educativas, alianzas con instituciones "
            "públicas y universidades, y un calendario curricular.",
            "theme": EQUITY_INCLUSION,
            "criteria": ["inclusive-learning", "learning-technologies", "families-and-communities"],
            "source_url": UIL_AZOGUES,
        },
        {
            "slug": "udai-inclusion-support-unit",
            "name": "UDAI inclusion support unit",
            "name_es": "Unidad de apoyo a la inclusión (UDAI)",
            "summary": "A unit that supports children with specific needs, while "
            "the city works towards spaces accessible to all, with visual symbols and "
            "language cues to find one's way.",
            "summary_es": "Una unidad que apoya a niñas y niños con necesidades específicas, "
            "mientras la ciudad avanza hacia espacios accesibles para todos, con "
            "símbolos visuales y pautas de lenguaje para orientarse.",
            "theme": EQUITY_INCLUSION,
            "criteria": ["inclusive-learning"],
            "source_url": UIL_AZOGUES,
        },
        {
            "slug": "burgay-river-decontamination",
            "name": "Decontamination of the Burgay River",
            "name_es": "Descontaminación del río Burgay",
            "summary": "A project in three phases to clean the Burgay River, with a new "
            "treatment plant and campaigns that teach people not to pollute the river and to "
            "practise responsible tourism.",
            "summary_es": "Un proyecto en tres fases para limpiar el río Burgay, con una nueva "
            "planta de tratamiento y campañas que enseñan a no contaminar el río y a practicar "
            "un turismo responsable.",
            "theme": SUSTAINABILITY_HEALTH,
            "good_practice": True,
            "criteria": ["families-and-communities", "lifelong-learning-culture"],
            "source_url": UIL_AZOGUES,
        },
        {
            "slug": "agricultural-and-entrepreneurship-workshops",
            "name": "Agricultural and entrepreneurship workshops",
            "name_es": "Talleres agrícolas y de emprendimiento",
            "summary": "Educational workshops in agriculture and study tours that encourage "
            "people to turn ideas into businesses meeting unmet local needs.",
            "summary_es": "Talleres educativos de agricultura y giras de aprendizaje que animan "
            "a convertir ideas en negocios que respondan a necesidades locales no cubiertas.",
            "theme": DECENT_WORK,
            "criteria": ["workplace"],
            "source_url": UIL_AZOGUES,
        },
    ],
}
