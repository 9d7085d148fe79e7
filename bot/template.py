"""The programme's *Template for collection of good practices*: topics, fields and rules."""

# The programme's own areas, in the order its site lists them (DESIGN §3).
TOPICS: tuple[str, ...] = (
    "Anti-discrimination and equality",
    "Anti-rumour methodologies",
    "Business and employment",
    "Communication and public awareness",
    "Culture, leisure and heritage",
    "Openness and interculturality",
    "Education",
    "Gender equality and intersectionality",
    "Health, social care and family support",
    "Housing and urban planning",
    "Leadership and political commitment",
    "Mediation and conflict resolution",
    "Multilingualism",
    "Political and public participation",
    "Public and community services",
    "Refugees",
    "Religion and interfaith",
    "Roma",
    "Security, justice and safety",
    "Welcoming and social integration",
    "International outlook",
)
