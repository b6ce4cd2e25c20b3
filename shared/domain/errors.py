"""Structured errors returned to senders (A4).

Every error names the field (a JSONPath such as ``$.lines[0].quantity``), a stable code
that senders may branch on, and a French message a person can read. Codes never change
meaning; new codes may be added.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import ConfigDict

from shared.domain.base import Model

# Stable error codes and their French message templates. ``{...}`` placeholders are filled
# from the context given when the error is built.
CATALOGUE: dict[str, str] = {
    # envelope and transport
    "MALFORMED_JSON": "Le contenu n'est pas un JSON valide : {detail}.",
    "UNSUPPORTED_MEDIA_TYPE": "Type de contenu non pris en charge : utilisez application/json.",
    "PAYLOAD_TOO_LARGE": "Le message dépasse la taille maximale de {limit} octets.",
    "METHOD_NOT_ALLOWED": "Méthode HTTP non autorisée : utilisez {allowed}.",
    "INVALID_ENVELOPE": "Enveloppe CloudEvents invalide : {detail}.",
    "UNKNOWN_EVENT_TYPE": "Type d'événement inconnu : « {value} ».",
    "IDEMPOTENCY_KEY_MISSING": "L'en-tête Idempotency-Key est obligatoire pour cette requête.",
    "IDEMPOTENCY_KEY_INVALID": "L'en-tête Idempotency-Key doit compter 8 à 128 caractères sûrs.",
    "IDEMPOTENCY_KEY_REUSED": "Cette clé d'idempotence a déjà servi pour une requête différente.",
    "REQUEST_IN_PROGRESS": "Une requête avec cette clé d'idempotence est en cours de traitement.",
    # authentication and rights
    "UNAUTHENTICATED": "Authentification requise : jeton absent, invalide ou expiré.",
    "FORBIDDEN": "Vos droits ne permettent pas cette opération.",
    "MISSING_RIGHT": "Il vous manque le droit « {right} » pour cette opération.",
    "WEAK_PASSWORD": "Mot de passe trop faible : 12 caractères au moins, mêlant trois types (minuscules, majuscules, chiffres, symboles).",
    "ACCOUNT_DISABLED": "Ce compte a été désactivé par l'opérateur : contactez-le pour qu'il le rétablisse.",
    "ACCOUNT_NOT_FOUND": "Ce compte n'existe plus : reconnectez-vous ou contactez l'opérateur.",
    "PASSWORD_CHANGE_REQUIRED": "Choisissez votre propre mot de passe avant de continuer.",
    "REAUTHENTICATION_REQUIRED": "Reconnectez-vous avec votre mot de passe actuel (connexion de moins de {minutes} minutes exigée), puis recommencez.",
    "EXPORT_NOT_FOUND": "Export « {job_id} » introuvable.",
    "INCIDENT_NOT_FOUND": "Incident « {incident_id} » introuvable.",
    "INCIDENT_NOT_ACKNOWLEDGED": "L'incident « {incident_id} » n'a pas encore reçu de première réponse : accusez-en réception d'abord.",
    "INCIDENT_ALREADY_RESOLVED": "L'incident « {incident_id} » est résolu : plus aucun suivi n'est enregistré.",
    "PHONE_REPORT_ONLY": "Réservé à l'opérateur, qui saisit un signalement reçu par téléphone.",
    "ACCOUNT_REQUEST_NOT_FOUND": "Demande de compte « {request_id} » introuvable.",
    "TENANT_NOT_REGISTERED": "« {tenant} » n'est pas un {kind} enregistré sur la plateforme.",
    "TENANT_INACTIVE": "La partie « {tenant} » ({kind}) a été désactivée par l'opérateur : ses comptes ne peuvent plus agir tant qu'elle n'est pas inscrite de nouveau.",
    "TENANT_ID_TAKEN": "L'identifiant « {tenant} » est déjà celui d'un autre type de partie ({kind}) : un identifiant ne sert qu'à une seule partie.",
    "ACCOUNT_EMAIL_TAKEN": "L'adresse « {email} » est déjà celle d'un compte {role} de « {tenant} » : seul un transfert explicite de l'opérateur peut la rattacher ailleurs.",
    "RIGHT_NOT_HELD": "Vous ne détenez pas le droit « {right} » : vous ne pouvez pas le demander pour un autre compte.",
    "RIGHT_NOT_REQUESTED": "Le droit « {right} » ne figure pas dans la demande de compte : le compte créé ne peut pas dépasser les droits demandés.",
    "ROLE_MISMATCH": "Le rôle « {role} » ne correspond pas à la demande (rôle attendu : « {expected} »).",
    # field validation
    "REQUIRED": "Champ obligatoire manquant.",
    "UNKNOWN_FIELD": "Champ inconnu : il n'est pas accepté.",
    "INVALID_TYPE": "Type invalide : {detail}.",
    "INVALID_FORMAT": "Format invalide : {detail}.",
    "INVALID_LENGTH": "Longueur invalide : {detail}.",
    "OUT_OF_RANGE": "Valeur hors limites : {detail}.",
    "INVALID_VALUE": "Valeur invalide : {detail}.",
    "INVALID_PHONE": "Numéro de mobile français invalide (ex. 06 12 34 56 78 ou +33 6 12 34 56 78).",
    "INVALID_PERIOD": "La fin ({end}) précède le début ({start}).",
    "DUPLICATE_VALUE": "Valeur en double : « {value} ».",
    "INVALID_CURSOR": "Curseur de pagination invalide ou expiré : reprenez la liste depuis le début.",
    # references and business rules
    "ORDER_NOT_FOUND": "Commande « {order_id} » introuvable pour cet émetteur.",
    "ORDER_ALREADY_EXISTS": "La commande « {order_id} » existe déjà avec un contenu différent.",
    "CONTRACTOR_NOT_FOUND": "Prestataire « {contractor_id} » inconnu de la plateforme.",
    "UNKNOWN_LINE": "Ligne de commande « {line_id} » inconnue.",
    "ILLEGAL_TRANSITION": "Passage de l'état « {from_label} » à « {to_label} » impossible. États possibles : {allowed}.",
    "TRANSITION_NOT_ALLOWED_FOR_ACTOR": "Le passage à l'état « {to_label} » est réservé au {actor_label}.",
    "MISSING_FIELD_FOR_TRANSITION": "Le passage à l'état « {to_label} » exige {requirement}.",
    "ORDER_TERMINATED": "La commande est à l'état final « {state_label} » : plus aucune mise à jour n'est acceptée.",
    "MESSAGE_ID_REUSED": "L'identifiant de message « {id} » a déjà servi pour un autre contenu : le premier message fait foi. Renvoyez la correction sous un nouvel identifiant.",
    "SEQUENCE_OUTDATED": "Numéro de séquence {sequence} déjà dépassé : la dernière séquence appliquée est {last}.",
    "SEQUENCE_GAP": "Numéro de séquence {sequence} en avance : la séquence attendue est {expected}. Renvoyez d'abord les messages manquants.",
    "ISSUED_IN_FUTURE": "La date d'émission de la commande ({issued_at}) est dans le futur (il est {now} sur l'horloge de la plateforme) : une commande est datée du moment où elle est émise, sinon les événements de son prestataire la précéderaient. Corrigez l'horloge de l'émetteur.",
    "OCCURRED_IN_FUTURE": "La date de l'événement ({occurred_at}) est dans le futur.",
    "OCCURRED_BEFORE_ORDER": "La date de l'événement ({occurred_at}) précède l'émission de la commande ({issued_at}) : rien ne se passe sur une commande avant qu'elle existe. Datez l'événement du moment où il a eu lieu.",
    "DATE_BEFORE_ORDER": "{what} ({date}) tombe un jour antérieur à l'émission de la commande ({issued_at}) : rien ne se passe sur une commande avant qu'elle existe.",
    # reception (service fait) and invoices (A6, B7, B10, B11; docs/invoicing.md)
    "NOTHING_TO_RECEIVE": "Aucune ligne à réceptionner : la commande est à l'état « {state_label} » et ses lignes livrées sont déjà réceptionnées.",
    "LINE_ALREADY_RECEIVED": "La ligne « {line_id} » est déjà réceptionnée.",
    "LINE_RECEIVED_NOT_UNDONE": "La ligne « {line_id} » a été réceptionnée par le client (service fait) : elle ne peut plus être déclarée non réalisée. Un écart constaté depuis se règle avec le client.",
    "LINE_NOT_DONE": "La ligne « {line_id} » a été déclarée non réalisée par le prestataire : elle ne peut pas être réceptionnée.",
    "LINE_NOT_DELIVERED": "La ligne « {line_id} » n'est pas déclarée réalisée et la commande est à l'état « {state_label} » : réceptionnez-la une fois livrée.",
    "RESERVATION_NOT_FOUND": "Réserve « {reservation_id} » introuvable sur cette commande.",
    "RESERVATION_ALREADY_LIFTED": "La réserve « {reservation_id} » est déjà levée.",
    "INVOICE_ALREADY_EXISTS": "La facture « {invoice_number} » existe déjà avec un contenu différent.",
    "INVOICE_NUMBER_USED": "Le numéro de facture « {invoice_number} » est déjà utilisé par ce prestataire (commande « {order_id} »).",
    "INVOICE_NOT_FOUND": "Facture « {invoice_number} » introuvable sur cette commande.",
    "INVOICE_LINE_NOT_RECEIVED": "La ligne « {line_id} » n'est pas réceptionnée : elle ne peut pas être facturée (service fait d'abord).",
    "INVOICE_QUANTITY_EXCEEDED": "Quantité facturée {quantity} sur la ligne « {line_id} » : il reste {remaining} à facturer sur {ordered} commandés.",
    "INVOICE_PRICE_ABOVE_ORDER": "Prix unitaire {price} € sur la ligne « {line_id} » au lieu de {ordered} € à la commande (écart {difference} €).",
    "INVOICE_EXCEEDS_RECEIVED": "La facture ({amount} € HT) dépasse de {difference} € le montant réceptionné restant à facturer ({remaining} € HT).",
    "INVOICE_DUE_BEFORE_ISSUE": "L'échéance ({due_date}) précède la date d'émission de la facture ({issue_date}).",
    "INVOICE_TOTAL_MISMATCH": "Le total {name} déclaré ({declared} €) diffère du total calculé sur les lignes ({computed} €).",
    "CREDIT_NOTE_EXCEEDS_INVOICED": "L'avoir porte {quantity} sur la ligne « {line_id} » : seulement {invoiced} y est facturé.",
    "CREDITED_INVOICE_REQUIRED": "Un avoir doit citer le numéro de la facture qu'il corrige.",
    "INVOICE_PDF_NOT_FOUND": "Aucun document PDF de type facture « {sha256} » n'est déposé sur cette commande.",
    "PUBLIC_INVOICING_MISSING": "La commande ne porte pas le SIRET de l'acheteur public : la facture ne peut pas partir vers Chorus Pro.",
    "MISSION_BUDGET_EXCEEDED": "Le budget de la mission serait dépassé de {difference} € ({amount} € pour {remaining} € restants).",
    "MILESTONE_NOT_FOUND": "Jalon « {milestone_id} » inconnu dans cette mission.",
    "TIMESHEET_DAYS_EXCEEDED": "{days} jours déclarés sur le jalon « {milestone_id} » : il en reste {remaining} sur {planned} prévus.",
    "TIMESHEET_OUTSIDE_MISSION": "La période du {start} au {end} sort de la mission, qui court du {mission_start} au {mission_end}.",
    "TIMESHEET_PERIOD_NOT_WORKED": "La période se termine le {end}, après aujourd'hui ({today}) : une feuille de temps ne déclare que des jours déjà travaillés.",
    "TIMESHEET_DAYS_ABOVE_PERIOD": "{days} déclarés sur une période de {period} : pas plus d'un jour travaillé par jour de la période.",
    "DAYS_ON_SITE_REQUIRED": "Mission en mode mixte : indiquez combien de ces jours ont été passés sur site.",
    "DAYS_ON_SITE_ABOVE_DAYS": "{days_on_site} jours sur site déclarés pour {days} jours travaillés : les jours sur site sont compris dans les jours travaillés.",
    "DAYS_ON_SITE_ON_REMOTE_MISSION": "{days_on_site} jours sur site déclarés sur une mission entièrement à distance : aucun frais annexe n'y est prévu.",
    "EXTRA_COSTS_DAYS_EXCEEDED": "{days_on_site} jours sur site dépasseraient la ligne de frais annexes : il en reste {remaining} sur {planned} prévus.",
    "INVOICE_EXTRA_COSTS_DAYS_EXCEEDED": "Quantité facturée {quantity} sur la ligne « {line_id} » : {reported} jours sur site déclarés, il en reste {remaining} à facturer.",
    # contracts and billing accounts (A2.1, A2.2, A13)
    "CONTRACT_NOT_FOUND": "Marché « {contract_id} » inconnu pour ce gestionnaire.",
    "CONTRACT_OTHER_CONTRACTOR": "Le marché « {contract_id} » n'est pas attribué au prestataire « {contractor_id} ».",
    "CONTRACT_NOT_IN_FORCE": "Le marché « {contract_id} » n'est pas en vigueur le {on} (statut « {status} », du {starts_on} au {ends_on}).",
    "LOT_OUTSIDE_CONTRACT": "Le lot « {lot} » ne fait pas partie du marché (lots : {lots}).",
    "OUTSIDE_CONTRACT_PERIMETER": "La commune « {commune} » est hors du périmètre géographique du marché « {contract_id} ».",
    "COMMUNE_NOT_AT_NODE": "La commune indiquée ({commune}) n'est pas celle de l'élément de patrimoine « {node_id} » ({node_commune}) : indiquez {node_commune} ou n'indiquez pas de commune.",
    "CONTRACTOR_CHANGED": "Le titulaire d'un marché ne change pas : créez un nouveau marché.",
    # onboarding: the registry of managers, contractors and machine identities (A10)
    "MANAGER_NOT_FOUND": "Gestionnaire « {manager_id} » inconnu (de la plateforme, ou de ce prestataire faute de marché avec lui).",
    "MANAGER_INACTIVE": "Le gestionnaire « {manager_id} » est désactivé.",
    "TENANT_NOT_FOUND": "Aucun {kind} « {tenant} » n'est enregistré : enregistrez-le avant son identité machine.",
    "RESERVED_IDENTIFIER": "L'identifiant « {value} » est réservé à la plateforme (préfixe « {prefix} »).",
    "PARTY_NOT_FOUND": "Aucune fiche « {party_id} » ({kind}) n'est enregistrée sur la plateforme.",
    # conformance kit (A10 onboarding)
    "CONFORMANCE_RUN_NOT_FOUND": "Parcours de conformité « {run_id} » introuvable pour ce prestataire.",
    "VALIDATE_ONLY_INVALID": "Le paramètre de validation seule (sans enregistrement) vaut « true » ou « false ».",
    "CATALOGUE_NOT_FOUND": "Aucun bordereau en vigueur pour le marché « {contract_id} » : importez-en une version.",
    # quotes (A2.4, A2.5, B16)
    "QUOTE_NOT_FOUND": "Devis « {quote_id} » introuvable.",
    "QUOTE_ALREADY_EXISTS": "Le devis « {quote_id} » existe déjà avec un contenu différent.",
    "QUOTE_REFUSAL_REASON_REQUIRED": "Le refus d'un devis doit être motivé : indiquez le motif du refus.",
    "QUOTE_EXPIRED": "Le devis « {quote_id} » a expiré (valable jusqu'au {valid_until}) : demandez une nouvelle version.",
    "QUOTE_VERSION_CHANGED": "Le devis « {quote_id} » a changé : sa version en cours est la version {current}, pas la "
                             "version {version} sur laquelle porte votre décision. Relisez-la avant de décider.",
    # replay for connectors (list_messages, redeliver_messages)
    "CURSOR_EXPIRED": "Le point de reprise ({at}) est plus ancien que la durée de conservation des messages ({days} jours) : resynchronisez-vous par les API de lecture (marchés, comptes de facturation, bordereaux, patrimoine, commandes, devis), puis reprenez sans curseur.",
    "MESSAGE_NOT_FOUND": "Message « {id} » introuvable pour ce prestataire (ou plus ancien que la durée de conservation).",
    # property tree (A7)
    "PROPERTY_NODE_NOT_FOUND": "Élément de patrimoine « {node_id} » inconnu dans le patrimoine de ce gestionnaire.",
    "PROPERTY_NODE_RETIRED": "L'élément de patrimoine « {node_id} » a été retiré du patrimoine en vigueur : choisissez un élément actif.",
    "ORDER_COMMUNE_NOT_AT_NODE": "La commande « {order_id} » est passée dans la commune {commune}, mais l'élément de patrimoine « {node_id} » se trouve dans la commune {node_commune} : choisissez un élément de la commune {commune}.",
    "PARENT_NOT_FOUND": "Parent « {parent_id} » introuvable ni dans le fichier ni dans le patrimoine.",
    "PARENT_KIND_NOT_ALLOWED": "Un élément « {kind} » ne peut pas être rattaché à un élément « {parent_kind} » (parents possibles : {allowed}).",
    "CHILDREN_WOULD_BE_ORPHANED": "Changer « {node_id} » en « {kind} » rendrait invalide le rattachement de « {child_id} » ({child_kind}).",
    # PDF documents attached to orders (store_report)
    "DOCUMENT_EMPTY": "Le fichier est vide.",
    "DOCUMENT_TOO_LARGE": "Le fichier fait {size} octets : la limite est de {limit} octets (au-delà de 5 Mo, utilisez une URL de dépôt signée).",
    "DOCUMENT_NOT_PDF": "Le fichier n'est pas un PDF : il ne commence pas par « %PDF- » (début lu : « {start} »).",
    "DOCUMENT_TRUNCATED": "Le PDF est tronqué : la fin de fichier (%%EOF) est absente.",
    "DOCUMENT_ENCRYPTED": "Le PDF est chiffré ou protégé par mot de passe : envoyez-le sans protection.",
    "DOCUMENT_UNREADABLE": "Le PDF est illisible ({detail}).",
    "MALFORMED_MULTIPART": "Formulaire multipart illisible : {detail}.",
    "DOCUMENT_MISSING": "Aucun fichier joint : ajoutez la partie « file » au formulaire.",
    "UPLOAD_NOT_FOUND": "Dépôt « {upload_id} » introuvable pour cette commande.",
    "UPLOAD_NOT_RECEIVED": "Le fichier du dépôt « {upload_id} » n'a pas été reçu : déposez-le sur l'URL signée avant de l'enregistrer.",
    "UPLOAD_CHANGED": "Le fichier du dépôt « {upload_id} » a été remplacé pendant sa vérification : enregistrez le dépôt à nouveau.",
    "UPLOAD_EXPIRED": "Le dépôt « {upload_id} » a expiré le {expires_at} : demandez une nouvelle URL.",
    # B11 mission follow-up: deliverables shared as documents
    "DELIVERABLE_NOT_A_MISSION_ORDER": "Un livrable se dépose sur la commande d'une mission : cette commande n'en est pas une.",
    "DELIVERABLE_NOT_FOUND": "Le livrable « {deliverable} » n'est prévu ni par le jalon « {milestone_id} » ni par la mission (livrables prévus : {allowed}).",
    "DELIVERABLE_FIELD_UNEXPECTED": "Ce champ ne concerne que les livrables : retirez-le pour un document de type « {kind} ».",
    "DELIVERABLE_DOCUMENT_NOT_FOUND": "Livrable « {document_id} » introuvable parmi les documents de cette mission.",
    "DELIVERABLE_DOCUMENT_SUPERSEDED": "Un nouveau livrable a été déposé pour « {deliverable} » (« {current} ») : il remplace « {filename} », sur lequel votre décision n'a pas été enregistrée. Actualisez la mission et décidez sur le nouveau document.",
    "DELIVERABLE_ALREADY_DECIDED": "Le livrable « {filename} » a déjà été {decision} le {decided_at} : cette décision ne change plus. Un livrable refusé se remet sous un nouveau document.",
    "DELIVERABLE_REFUSAL_REASON_REQUIRED": "Le refus d'un livrable doit être motivé : indiquez la raison du refus.",
    "DELIVERABLE_REASON_UNEXPECTED": "Une raison ne s'indique qu'en cas de refus : retirez-la pour accepter le livrable.",
    # sourcing of professionals (part B)
    "INVALID_SIRET": "SIRET invalide : 14 chiffres dont la clé de contrôle (Luhn) est juste.",
    "BENEFICIARY_NOT_FOUND": "Bénéficiaire « {beneficiary_id} » inconnu de la plateforme.",
    "NEED_NOT_FOUND": "Besoin « {need_id} » introuvable pour ce bénéficiaire.",
    "NEED_ALREADY_EXISTS": "Le besoin « {need_id} » existe déjà avec un contenu différent.",
    "NEED_VERSION_OUTDATED": "La version {version} du besoin n'est plus la version courante ({current}).",
    "PROFESSIONAL_NOT_FOUND": "Professionnel « {professional_id} » inconnu du vivier.",
    "PROFESSIONAL_INACTIVE": "Le professionnel « {professional_id} » n'est plus actif dans le vivier.",
    "PROFESSIONAL_NOT_RANKED": "Le professionnel « {professional_id} » ne figure pas dans le résultat classé de cette version du besoin.",
    "RESULT_NOT_READY": "Le résultat classé de la version {version} n'est pas encore disponible.",
    "NOT_PROPOSED": "Le professionnel « {professional_id} » ne fait pas partie des propositions en cours.",
    "GUARANTEE_IN_PAST": "La date de garantie de disponibilité ({date}) est déjà passée.",
    "CONFLICT_DECLARATION_REQUIRED": "Ce bénéficiaire exige une déclaration d'absence de conflit d'intérêts avant le début de la mission.",
    "CONFLICT_OF_INTEREST_DECLARED": "Le professionnel déclare un conflit d'intérêts : la mission ne peut pas démarrer.",
    "MISSION_NOT_FOUND": "Mission « {mission_id} » introuvable pour ce bénéficiaire.",
    "QUOTE_MISSION_REQUIRED": "Un devis proposé à un bénéficiaire porte sur l'une de ses missions : indiquez la mission concernée.",
    "QUOTE_MISSION_NOT_FOR_MANAGER": "Un gestionnaire n'a pas de mission : retirez la mission « {mission_id} » de ce devis.",
    "QUOTE_SITE_NOT_MISSION_SITE": "Un bénéficiaire n'a pas de patrimoine : le devis est au site de sa mission, pas à « {node_id} ».",
    "QUOTE_ORDER_NOT_MISSION_ORDER": "La commande « {order_id} » n'est pas celle de la mission « {mission_id} » ({mission_order_id}).",
    "MISSION_ALREADY_EXISTS": "Une mission différente a déjà été cadrée pour ce besoin.",
    "MILESTONE_OUTSIDE_MISSION": "L'échéance {due} du jalon sort de la mission ({start} – {end}).",
    "MILESTONE_DAYS_EXCEED_WORKING_DAYS": "Les jalons dus au plus tard le {due} comptent {days} jours, pour {available} jours ouvrés du {start} au {due}.",
    "REPLACEMENT_NOT_EQUIVALENT": "Remplaçant non équivalent : {detail}.",
    "REPLACEMENT_RATE_MISMATCH": "Remplaçant refusé : TJM de {actual} au lieu de {expected} (mêmes conditions tarifaires exigées).",
    "REPLACEMENT_EXTRA_COSTS_MISMATCH": "Remplaçant refusé : ses frais annexes diffèrent de ceux de la mission.",
    "REPLACEMENT_SAME_PROFESSIONAL": "Le remplaçant doit être un autre professionnel.",
    "REPLACEMENT_NOT_AVAILABLE": "Remplaçant indisponible du {start} au {end} : pas de disponibilité déclarée le {missing}.",
    "NO_REPLACEMENT_REQUESTED": "Aucune demande de remplacement n'est en cours pour cette mission.",
    "REPLACEMENT_ALREADY_REQUESTED": "Une demande de remplacement est déjà en cours pour cette mission.",
    "MISSION_ENDED": "La mission est terminée.",
    "REQUIRED_FOR_DECISION": "Champ obligatoire pour cette décision : {detail}.",
    # deadlines and penalties (D1–D8, P1)
    "UNKNOWN_TERRITORY": "Territoire « {value} » inconnu : code INSEE de département (ex. 75, 974) ou de collectivité (BL, MF, PM, PF, NC, WF).",
    "UNKNOWN_DEADLINE_KIND": "Type de délai « {value} » inconnu (D1 à D8).",
    "DEADLINE_LENGTH_EXCEEDED": "Le délai de {length} dépasse le maximum contractuel de {maximum} pour {kind}.",
    "DEADLINE_VARIANT_REQUIRED": "Le délai {kind} exige une variante parmi : {allowed}.",
    "DEADLINE_NOT_PAUSABLE": "Le délai {kind} ne peut pas être suspendu.",
    "DEADLINE_NOT_FOUND": "Délai « {deadline_id} » introuvable.",
    "PENALTY_NOT_FOUND": "Pénalité « {entry_id} » introuvable.",
    "PENALTY_DECISION_NOT_ALLOWED": "Décision « {action} » impossible sur une pénalité au statut « {status_label} ».",
    "INVALID_MONTH": "Mois invalide : attendu AAAA-MM (ex. 2026-03).",
    # reporting (B6, B17)
    "INVALID_HALF_YEAR": "Semestre invalide : attendu AAAA-H1 ou AAAA-H2 (ex. 2026-H1).",
    "HALF_YEAR_NOT_ENDED": "Le semestre {half_year} n'est pas terminé : son rapport ne peut être produit qu'après le {end}.",
    "REPORT_NOT_FOUND": "Rapport « {report_id} » introuvable.",
}


class ErrorDetail(Model):
    """One problem found in a message: where, what (stable code), and why in French."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    code: str
    message: str

    @classmethod
    def of(cls, field: str, code: str, **context: object) -> ErrorDetail:
        template = CATALOGUE[code]
        try:
            message = template.format(**context)
        except (KeyError, IndexError):
            message = template
        return cls(field=field, code=code, message=message)


class DomainError(Exception):
    """Raised when a command breaks a business rule; carries every error found."""

    def __init__(self, errors: Iterable[ErrorDetail]):
        self.errors: tuple[ErrorDetail, ...] = tuple(errors)
        super().__init__("; ".join(f"{e.field}: {e.code}" for e in self.errors))


def json_path(location: Sequence[str | int], root: str = "$") -> str:
    """Turn a pydantic location tuple into a JSONPath such as ``$.lines[0].quantity``."""
    path = root
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path
