"""Generated professionals that fill the judged pools up to 1k, 10k and 100k (the distractors).

A market-like pool of French digital freelancers, drawn trade by trade. The generator knows
the trades (``TRADES``: vocabulary, usual service type, price-schedule category) and the
market's distributions (levels, years, daily rates, regions, availability, reviews); it knows
nothing of the judged needs, of the grading rule (``bench/judging.py``) or of the scorer's
weights: every practical field is drawn independently of the trade's relevance to any need.
Each profile's trade is returned beside it (never in the record) so that the judge can grade
it (docs/sourcing.md, "How ranking quality is measured").
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from shared.domain.sourcing.records import Professional, Region


@dataclass(frozen=True)
class Trade:
    title: str                      # how such a professional introduces themself
    service_types: tuple[str, ...]  # the lots (AMOA/AMOE) they usually answer
    category: str                   # profile category of the price schedule
    skills: tuple[str, ...]
    activities: tuple[str, ...]     # what their references say they did
    certifications: tuple[str, ...] = ()
    rate_factor: float = 1.0        # market premium or discount of the trade


TRADES: dict[str, Trade] = {
    "amoa-metier": Trade(
        "Consultant AMOA", ("AMOA",), "CONSULTANT-AMOA",
        ("recueil des besoins", "expression de besoins", "spécifications fonctionnelles", "cahier des charges",
         "modélisation des processus BPMN", "ateliers utilisateurs", "rédaction de user stories",
         "analyse de l'existant", "assistance à maîtrise d'ouvrage"),
        ("Rédaction du cahier des charges fonctionnel", "Recueil des besoins métiers et ateliers",
         "Modélisation des processus et spécifications", "Assistance à maîtrise d'ouvrage du projet")),
    "recette": Trade(
        "Consultant recette", ("AMOA",), "CONSULTANT-AMOA",
        ("recette fonctionnelle", "stratégie de recette", "cahier de recette", "tests d'acceptation",
         "gestion des anomalies", "tests de non-régression", "Squash TM", "campagnes de tests", "Jira Xray"),
        ("Pilotage de la recette fonctionnelle", "Rédaction des cahiers de recette et des cas de tests",
         "Campagnes de tests de non-régression", "Coordination de la recette utilisateurs"),
        ("ISTQB Foundation", "ISTQB Advanced Test Manager")),
    "pmo": Trade(
        "PMO", ("AMOA",), "CHEF-PROJET",
        ("PMO", "pilotage de portefeuille de projets", "comitologie", "tableaux de bord de pilotage",
         "suivi budgétaire", "planification", "MS Project", "gestion des risques", "reporting"),
        ("PMO du portefeuille de projets", "Mise en place de la comitologie et du reporting",
         "Suivi budgétaire et planification du programme", "Animation des comités de pilotage"),
        ("PMP", "PRINCE2 Foundation")),
    "chef-projet": Trade(
        "Chef de projet", ("AMOA", "AMOE"), "CHEF-PROJET",
        ("gestion de projet", "pilotage de projet", "animation de comités", "gestion du planning",
         "coordination des équipes", "management de prestataires", "méthodes agiles", "suivi de contrat"),
        ("Direction du projet de refonte", "Pilotage du déploiement applicatif",
         "Coordination des prestataires et du planning", "Conduite du projet de dématérialisation"),
        ("PRINCE2 Practitioner", "PMP")),
    "conduite-changement": Trade(
        "Consultant conduite du changement", ("AMOA",), "CONSULTANT-AMOA",
        ("conduite du changement", "plan de formation", "accompagnement des utilisateurs", "communication interne",
         "formation des agents", "études d'impact", "supports de formation", "réseau de référents"),
        ("Accompagnement au changement du déploiement", "Conception du plan de formation des agents",
         "Plan de communication et réseau de référents", "Études d'impact organisationnel")),
    "accessibilite": Trade(
        "Expert accessibilité numérique", ("AMOA",), "EXPERT-ACCESSIBILITE",
        ("accessibilité numérique", "audit RGAA", "WCAG", "déclaration d'accessibilité", "schéma pluriannuel",
         "lecteurs d'écran", "NVDA", "tests avec utilisateurs handicapés", "accompagnement des développeurs"),
        ("Audit de conformité RGAA du site", "Rédaction de la déclaration d'accessibilité",
         "Accompagnement des équipes à l'accessibilité", "Schéma pluriannuel de mise en accessibilité"),
        ("Certification Opquast", "Certification accessibilité Access42")),
    "rgpd": Trade(
        "Consultant protection des données", ("AMOA",), "CONSULTANT-AMOA",
        ("conformité RGPD", "registre des traitements", "analyse d'impact AIPD", "délégué à la protection des données",
         "politique de confidentialité", "gestion des droits des personnes", "cartographie des données personnelles"),
        ("Mise en conformité RGPD", "Tenue du registre des traitements", "Analyses d'impact sur la vie privée",
         "DPO externalisé"),
        ("Certification DPO AFNOR", "CIPP/E")),
    "urbanisation": Trade(
        "Consultant en urbanisation du SI", ("AMOA",), "ARCHITECTE-SI",
        ("schéma directeur", "urbanisation du SI", "cartographie applicative", "feuille de route",
         "étude d'opportunité", "TOGAF", "alignement stratégique", "trajectoire SI"),
        ("Élaboration du schéma directeur du SI", "Cartographie applicative et trajectoire",
         "Étude d'opportunité et feuille de route numérique", "Urbanisation du système d'information"),
        ("TOGAF 9 Certified",)),
    "cyber-gouvernance": Trade(
        "Consultant gouvernance de la sécurité", ("AMOA",), "CONSULTANT-AMOA",
        ("ISO 27001", "EBIOS Risk Manager", "PSSI", "homologation de sécurité", "RGS", "analyse de risques",
         "gouvernance de la sécurité", "plan de continuité d'activité", "sensibilisation à la sécurité"),
        ("Homologation de sécurité de l'application", "Rédaction de la PSSI", "Analyse de risques EBIOS RM",
         "Accompagnement à la certification ISO 27001"),
        ("ISO 27001 Lead Implementer", "ISO 27005 Risk Manager", "CISSP")),
    "achats-publics": Trade(
        "Consultant en achats publics", ("AMOA",), "CONSULTANT-AMOA",
        ("marchés publics", "rédaction de CCTP", "analyse des offres", "dossier de consultation",
         "sourcing fournisseurs", "code de la commande publique", "accords-cadres"),
        ("Rédaction du dossier de consultation", "Analyse des offres et rapport de présentation",
         "Assistance à la passation de l'accord-cadre")),
    "product-owner": Trade(
        "Product Owner", ("AMOA",), "CONSULTANT-AMOA",
        ("Product Owner", "backlog produit", "Scrum", "priorisation", "user stories", "Jira", "vision produit",
         "démarche agile", "revue de sprint"),
        ("Product Owner de la plateforme de services", "Animation du backlog et des sprints",
         "Conception du produit en démarche agile"),
        ("PSPO I", "SAFe POPM")),
    "ux-design": Trade(
        "Designer UX", ("AMOA", "AMOE"), "CONSULTANT-AMOA",
        ("UX design", "design de services", "tests utilisateurs", "maquettes Figma", "système de design de l'État DSFR",
         "parcours usagers", "ergonomie", "prototypage"),
        ("Design des parcours usagers", "Tests utilisateurs et maquettes", "Refonte ergonomique du portail")),
    "data-gouvernance": Trade(
        "Consultant gouvernance des données", ("AMOA",), "CONSULTANT-AMOA",
        ("gouvernance des données", "open data", "qualité des données", "catalogue de données", "data.gouv.fr",
         "référentiels de données", "données de référence", "stratégie data"),
        ("Ouverture des données publiques", "Mise en place de la gouvernance des données",
         "Catalogue et qualité des données")),
    "dev-java": Trade(
        "Développeur Java", ("AMOE",), "DEVELOPPEUR",
        ("Java", "Spring Boot", "API REST", "Hibernate", "Maven", "microservices", "JUnit", "Kafka", "Oracle"),
        ("Développement des API de l'application métier", "Développement de microservices Spring Boot",
         "Maintenance évolutive de l'application Java", "Migration Java 8 vers Java 17"),
        ("Oracle Certified Professional Java",)),
    "dev-php": Trade(
        "Développeur PHP", ("AMOE",), "DEVELOPPEUR",
        ("PHP", "Symfony", "Drupal", "MySQL", "Twig", "Composer", "API Platform", "Laravel", "WordPress"),
        ("Développement du site Drupal", "Application Symfony de gestion", "Refonte du site WordPress",
         "Maintenance des modules Drupal"),
        ("Certification Symfony", "Acquia Certified Developer")),
    "dev-front": Trade(
        "Développeur front-end", ("AMOE",), "DEVELOPPEUR",
        ("JavaScript", "TypeScript", "React", "Vue.js", "Angular", "HTML CSS", "intégration web", "Next.js",
         "tests Cypress"),
        ("Développement de l'interface React", "Intégration des maquettes du portail",
         "Refonte front-end Vue.js", "Application Angular de gestion")),
    "dev-python": Trade(
        "Développeur Python", ("AMOE",), "DEVELOPPEUR",
        ("Python", "Django", "FastAPI", "PostgreSQL", "pytest", "Celery", "API REST", "Flask", "Docker"),
        ("Développement de l'application Django", "API FastAPI de la plateforme",
         "Automatisation de traitements en Python", "Maintenance de l'application Flask")),
    "mobile": Trade(
        "Développeur mobile", ("AMOE",), "DEVELOPPEUR",
        ("applications mobiles", "Flutter", "Kotlin", "Android", "Swift", "iOS", "React Native",
         "publication sur les stores"),
        ("Application mobile citoyenne", "Développement Flutter de l'application", "Application Android terrain")),
    "data-engineer": Trade(
        "Data engineer", ("AMOE",), "DEVELOPPEUR",
        ("ingénierie des données", "ETL", "Talend", "Apache Airflow", "dbt", "entrepôt de données", "Spark", "SQL",
         "pipelines de données", "Python"),
        ("Alimentation de l'entrepôt de données", "Pipelines de données Airflow et dbt",
         "Flux ETL Talend", "Migration vers un lac de données"),
        ("Talend Data Integration Certified", "Databricks Data Engineer Associate")),
    "bi": Trade(
        "Consultant décisionnel", ("AMOE",), "DEVELOPPEUR",
        ("Power BI", "Qlik Sense", "tableaux de bord", "décisionnel", "Business Objects", "modélisation en étoile",
         "SQL", "DAX", "indicateurs de pilotage"),
        ("Tableaux de bord de pilotage Power BI", "Refonte du décisionnel Business Objects",
         "Indicateurs Qlik Sense pour la direction", "Modélisation de l'entrepôt décisionnel"),
        ("Microsoft Certified Power BI Data Analyst",)),
    "data-science": Trade(
        "Data scientist", ("AMOE",), "DEVELOPPEUR",
        ("data science", "machine learning", "Python", "pandas", "scikit-learn", "statistiques",
         "traitement automatique du langage", "modèles prédictifs", "visualisation de données"),
        ("Modèle prédictif de fréquentation", "Classification automatique de courriers",
         "Analyse statistique des demandes usagers")),
    "devops": Trade(
        "Ingénieur DevOps", ("AMOE",), "DEVELOPPEUR",
        ("DevOps", "Kubernetes", "Docker", "Terraform", "GitLab CI", "Ansible", "intégration continue",
         "cloud", "OVHcloud", "Helm"),
        ("Industrialisation des déploiements", "Migration des applications vers Kubernetes",
         "Chaînes d'intégration continue GitLab", "Infrastructure as code Terraform"),
        ("CKA Certified Kubernetes Administrator", "HashiCorp Terraform Associate"), 1.1),
    "exploitation": Trade(
        "Ingénieur systèmes", ("AMOE",), "DEVELOPPEUR",
        ("administration Linux", "supervision", "Zabbix", "VMware", "sauvegardes", "Veeam", "Active Directory",
         "exploitation", "Windows Server", "réseaux"),
        ("Exploitation du datacenter", "Supervision et maintien en conditions opérationnelles",
         "Administration des serveurs Linux et Windows", "Migration de l'infrastructure VMware"),
        ("RHCSA", "VMware VCP")),
    "cyber-technique": Trade(
        "Expert cybersécurité", ("AMOE",), "ARCHITECTE-SI",
        ("tests d'intrusion", "pentest", "SOC", "SIEM", "Splunk", "durcissement", "gestion des vulnérabilités",
         "audit de sécurité", "réponse à incident", "sécurité applicative"),
        ("Tests d'intrusion des applications web", "Mise en place du SOC", "Audit de sécurité technique",
         "Gestion des vulnérabilités et durcissement"),
        ("OSCP", "CEH", "PASSI"), 1.15),
    "dba": Trade(
        "Administrateur de bases de données", ("AMOE",), "DEVELOPPEUR",
        ("administration de bases de données", "Oracle", "PostgreSQL", "optimisation SQL", "réplication",
         "sauvegarde et restauration", "SQL Server", "migration de bases"),
        ("Administration des bases Oracle", "Migration Oracle vers PostgreSQL", "Optimisation des performances SQL"),
        ("Oracle Certified Professional DBA",)),
    "sig": Trade(
        "Géomaticien", ("AMOE",), "DEVELOPPEUR",
        ("SIG", "QGIS", "ArcGIS", "PostGIS", "données géographiques", "cartographie", "géotraitements",
         "cadastre", "webmapping"),
        ("Administration du SIG communautaire", "Cartographie des réseaux", "Géotraitements et mise à jour du cadastre",
         "Portail cartographique en ligne"), (), 0.9),
    "architecte": Trade(
        "Architecte SI", ("AMOE", "AMOA"), "ARCHITECTE-SI",
        ("architecture logicielle", "architecture technique", "API management", "interopérabilité",
         "architecture cloud", "dossier d'architecture", "urbanisation", "sécurité des architectures"),
        ("Dossier d'architecture technique", "Architecture des échanges et de l'interopérabilité",
         "Choix d'architecture cloud"),
        ("TOGAF 9 Certified", "AWS Solutions Architect"), 1.15),
    "progiciels-finances": Trade(
        "Consultant progiciels de gestion", ("AMOA", "AMOE"), "CONSULTANT-AMOA",
        ("progiciel financier", "SAP", "paramétrage", "comptabilité publique", "nomenclature M57",
         "Civil Net Finances", "Astre", "Grand Angle", "exécution budgétaire"),
        ("Paramétrage du progiciel financier", "Accompagnement au passage à la M57",
         "Déploiement du module comptable", "Reprise des données financières")),
    "ged": Trade(
        "Consultant GED et archivage", ("AMOA", "AMOE"), "CONSULTANT-AMOA",
        ("GED", "archivage électronique", "Alfresco", "SAE", "dématérialisation", "parapheur électronique",
         "gestion documentaire", "plan de classement"),
        ("Déploiement de la GED", "Mise en place du système d'archivage électronique",
         "Dématérialisation des circuits de validation")),
}

TRANSVERSAL = ("travail en équipe", "rédaction", "animation d'ateliers", "autonomie", "rigueur", "pédagogie",
               "esprit de synthèse", "relation client", "anglais professionnel")
PUBLIC_ORGS = ("Région Occitanie", "Métropole de Lyon", "Département de la Gironde", "Ville de Rennes",
               "CHU de Nantes", "Ministère de l'Intérieur", "Caisse d'allocations familiales", "Pôle emploi",
               "Communauté d'agglomération du Grand Besançon", "Rectorat de Lille", "Ville de Marseille",
               "Conseil départemental du Nord", "Université de Strasbourg", "Office public de l'habitat",
               "Syndicat mixte numérique", "Ministère des Armées", "Région Grand Est", "Ville de Toulouse")
PRIVATE_ORGS = ("une banque régionale", "un groupe d'assurance", "un distributeur national", "un opérateur télécom",
                "un industriel de l'aéronautique", "une mutuelle", "un éditeur de logiciels", "une start-up",
                "un groupe hôtelier", "un transporteur", "un énergéticien", "une ESN")
EDUCATION = ("Master MIAGE", "Diplôme d'ingénieur en informatique", "BTS SIO", "Master informatique",
             "DUT informatique", "Master management des systèmes d'information", "Licence professionnelle",
             "Master data science", "Diplôme d'école de commerce", "Master droit du numérique",
             "Master administration publique", "Doctorat")
FIRST = ("Camille", "Julien", "Sophie", "Nicolas", "Claire", "Thomas", "Isabelle", "Mehdi", "Nadia", "Pierre",
         "Aurélie", "Yann", "Fatima", "Olivier", "Léa", "Karim", "Émilie", "Sébastien", "Inès", "Mathieu")
LAST = ("Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Garnier", "Rousseau", "Benali", "Nguyen",
        "Fontaine", "Chevalier", "Perrin", "Morel", "Girard", "Mercier", "Bonnet", "Lambert", "Faure", "Roux")
# Share of the freelance market per region (the Île-de-France weighs most; overseas regions little).
REGION_WEIGHTS = {
    Region.ILE_DE_FRANCE: 28, Region.AUVERGNE_RHONE_ALPES: 12, Region.OCCITANIE: 8, Region.NOUVELLE_AQUITAINE: 8,
    Region.PROVENCE_ALPES_COTE_D_AZUR: 7, Region.HAUTS_DE_FRANCE: 7, Region.PAYS_DE_LA_LOIRE: 6,
    Region.GRAND_EST: 6, Region.BRETAGNE: 5, Region.NORMANDIE: 3, Region.CENTRE_VAL_DE_LOIRE: 2.5,
    Region.BOURGOGNE_FRANCHE_COMTE: 2.5, Region.CORSE: 0.5, Region.LA_REUNION: 1.5, Region.GUADELOUPE: 0.7,
    Region.MARTINIQUE: 0.7, Region.GUYANE: 0.4, Region.MAYOTTE: 0.2,
}
LEVEL_WEIGHTS = {"junior": 25, "confirme": 40, "senior": 35}
YEARS = {"junior": (0, 3), "confirme": (3, 9), "senior": (8, 25)}
RATE_EUROS = {"junior": (300, 500), "confirme": (420, 680), "senior": (550, 1000)}
YEAR_START = dt.date(2026, 1, 1)


def generate(n: int, seed: int, start_number: int = 0) -> list[tuple[str, Professional]]:
    """``n`` professionals as (trade, record), deterministic for a seed."""
    rng = random.Random(seed)
    trades = list(TRADES)
    regions, region_w = zip(*REGION_WEIGHTS.items())
    levels, level_w = zip(*LEVEL_WEIGHTS.items())
    out = []
    for k in range(start_number, start_number + n):
        trade_name = rng.choice(trades)
        trade = TRADES[trade_name]
        level = rng.choices(levels, level_w)[0]
        years = rng.randint(*YEARS[level])
        public = rng.random() < 0.45
        skills = rng.sample(trade.skills, k=rng.randint(3, min(6, len(trade.skills))))
        if rng.random() < 0.3:  # a side skill of another trade
            skills.append(rng.choice(TRADES[rng.choice(trades)].skills))
        skills += rng.sample(TRANSVERSAL, k=rng.randint(0, 2))
        orgs = PUBLIC_ORGS if public else PRIVATE_ORGS
        references = [f"{rng.choice(trade.activities)} — {rng.choice(orgs if rng.random() < 0.8 else PRIVATE_ORGS)}"
                      for _ in range(rng.randint(1, 3))]
        highlights = rng.sample(trade.skills, k=2)
        summary = (f"{trade.title} ({level_label(level)}, {years} ans d'expérience) : {highlights[0]} et "
                   f"{highlights[1]}." + (" Interventions auprès de collectivités et d'administrations." if public else ""))
        low, high = RATE_EUROS[level]
        rate = int(round(rng.uniform(low, high) * trade.rate_factor / 10) * 10)
        availability = []
        if rng.random() > 0.05:
            for _ in range(rng.choice((1, 1, 1, 2))):
                start = YEAR_START + dt.timedelta(days=rng.randint(0, 300))
                end = start + dt.timedelta(days=rng.randint(20, 365))
                availability.append({"start": start.isoformat(), "end": end.isoformat()})
        services = list(trade.service_types) if rng.random() < 0.85 else ["AMOA", "AMOE"]
        reviews = [{"mission_ref": f"M-{k}-{r}", "rating": rng.choices((1, 2, 3, 4, 5), (2, 5, 18, 40, 35))[0],
                    "on": (YEAR_START - dt.timedelta(days=rng.randint(10, 700))).isoformat()}
                   for r in range(rng.choice((0, 0, 1, 2, 3, 4)))]
        on_site = rng.random() < 0.5
        record = {
            "professional_id": f"g{k:06d}", "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "education": [rng.choice(EDUCATION)], "level": level, "years_of_experience": years,
            "public_sector_knowledge": public,
            "certifications": [rng.choice(trade.certifications)] if trade.certifications and rng.random() < 0.35 else [],
            "references": references, "skills": list(dict.fromkeys(skills)), "summary": summary,
            "availability": availability, "daily_rate_cents": rate * 100,
            "extra_costs": {"travel_cents": rng.choice((0, 2000, 4000, 8000)) if on_site else 0,
                            "lodging_cents": rng.choice((0, 0, 9000)) if on_site else 0,
                            "meals_cents": rng.choice((0, 1500, 2000)) if on_site else 0},
            "reviews": reviews, "profile_category": trade.category, "service_types": services,
            "region": rng.choices(regions, region_w)[0].value,
        }
        out.append((trade_name, Professional.model_validate(record, strict=False)))
    return out


def level_label(level: str) -> str:
    return {"junior": "junior", "confirme": "confirmé", "senior": "sénior"}[level]
