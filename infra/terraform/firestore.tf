# Firestore (native mode) database, indexes and TTL policies.

resource "google_firestore_database" "default" {
  project     = var.project_id
  name        = "(default)"
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"

  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = "DELETE_PROTECTION_ENABLED"
  deletion_policy                   = "ABANDON"

  # B15 encryption (kms.tf): only when the database is created; the key cannot be added, changed or
  # removed later (README, "Customer-managed keys").
  dynamic "cmek_config" {
    for_each = var.cmek ? [local.cmek_key.firestore] : []
    content {
      kms_key_name = cmek_config.value
    }
  }

  depends_on = [time_sleep.apis_ready, google_kms_crypto_key_iam_member.service_agents]
}

# relay_outbox reads pending events oldest first:
#   where status == "pending" order by created_at asc
resource "google_firestore_index" "outbox_status_created_at" {
  project     = var.project_id
  database    = google_firestore_database.default.name
  collection  = "outbox"
  query_scope = "COLLECTION"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }

  fields {
    field_path = "created_at"
    order      = "ASCENDING"
  }
}

# Idempotency records are deleted by Firestore once "expires_at" is past.
resource "google_firestore_field" "idempotency_expires_at_ttl" {
  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = "idempotency"
  field      = "expires_at"

  ttl_config {}

  # A TTL timestamp is never queried: drop its single-field indexes to avoid
  # write hotspots on monotonically increasing values.
  index_config {}
}

# Contractors list the orders addressed to them across every manager's space:
#   collection group "orders" where contractor_id == <tenant>
resource "google_firestore_field" "orders_contractor_id_group" {
  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = "orders"
  field      = "contractor_id"

  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
  }
}

# A contractor's search by reference across its clients' spaces (list_orders ?order_id= without manager_id):
#   collection group "orders" where contractor_id == <tenant> and order_id == <reference>, no order — merged from
#   the two single-field collection-group indexes (contractor_id's above).
resource "google_firestore_field" "orders_order_id_group" {
  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = "orders"
  field      = "order_id"

  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION"
    }
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
  }
}

# The search by reference regardless of case (list_orders ?order_id=, as people type it): each order keeps its
# reference folded (order_id_folded, shared/service/order_store.py); a space's orders where order_id_folded ==
# [and contractor_id ==], and a contractor's across spaces: collection group "orders" where contractor_id == <tenant>
# and order_id_folded == <folded reference>, no order — merged from the single-field indexes (collection-group ones
# here and above). Orders stored before need devtools/backfill_reference_folded.py (docs/runbook.md).
resource "google_firestore_field" "orders_order_id_folded_group" {
  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = "orders"
  field      = "order_id_folded"

  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION"
    }
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
  }
}

# list_orders (docs/web-app.md) sorts on updated_at, newest first, after equality filters:
#   a manager's space:   managers/<m>/orders [where contractor_id ==] [where state ==]
#   a contractor's list: collection group "orders" where contractor_id == <tenant>
#                        [where manager_id ==] [where state ==]
# and, filtered by a node of the manager's tree (A7 property tree: ?node_id=), site_path array-contains <node>
# after the equalities (its entry is CONTAINS, not ASCENDING).
# (updated_since adds updated_at >= <time>, served by the same indexes; the emulator needs none).
# The search by a word of the title (list_orders ?q=, shared/service/order_list.py _searched): title_words
# array-contains <word> after the scope's equalities, newest activity first (its other filters are checked on the rows
# read, no index per combination): a space's [where contractor_id ==], a contractor's collection group.
locals {
  order_list_indexes = {
    space_title                   = { scope = "COLLECTION", fields = ["title_words"] }
    space_contractor_title        = { scope = "COLLECTION", fields = ["contractor_id", "title_words"] }
    contractor_title              = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "title_words"] }
    space_state                   = { scope = "COLLECTION", fields = ["state"] }
    space_contractor              = { scope = "COLLECTION", fields = ["contractor_id"] }
    space_contractor_state        = { scope = "COLLECTION", fields = ["contractor_id", "state"] }
    contractor                    = { scope = "COLLECTION_GROUP", fields = ["contractor_id"] }
    contractor_state              = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "state"] }
    contractor_manager            = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "manager_id"] }
    contractor_manager_state      = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "manager_id", "state"] }
    space_site                    = { scope = "COLLECTION", fields = ["site_path"] }
    space_site_state              = { scope = "COLLECTION", fields = ["state", "site_path"] }
    space_contractor_site         = { scope = "COLLECTION", fields = ["contractor_id", "site_path"] }
    space_contractor_site_state   = { scope = "COLLECTION", fields = ["contractor_id", "state", "site_path"] }
    contractor_site               = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "site_path"] }
    contractor_site_state         = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "state", "site_path"] }
    contractor_manager_site       = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "manager_id", "site_path"] }
    contractor_manager_site_state = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "manager_id", "state", "site_path"] }
  }
}

resource "google_firestore_index" "order_list" {
  for_each = local.order_list_indexes

  project     = var.project_id
  database    = google_firestore_database.default.name
  collection  = "orders"
  query_scope = each.value.scope

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value
      order        = contains(["site_path", "title_words"], fields.value) ? null : "ASCENDING"
      array_config = contains(["site_path", "title_words"], fields.value) ? "CONTAINS" : null
    }
  }

  fields {
    field_path = "updated_at"
    order      = "DESCENDING"
  }
}

# The search by the start of a reference (list_orders ?q=, shared/service/order_list.py _searched): order_id_folded
# >= <prefix> and < <prefix>U+F8FF, ordered by order_id_folded then the document path, after the scope's equality:
#   a space's orders where contractor_id == <filter>, a contractor's collection group where contractor_id == <tenant>.
# A space's orders with no contractor filter: the single-field index of orders_order_id_folded_group above serves.
# Orders stored before their folded reference: devtools/backfill_reference_folded.py (docs/runbook.md).
locals {
  order_search_prefix_indexes = {
    space_contractor = "COLLECTION"
    contractor       = "COLLECTION_GROUP"
  }
}

resource "google_firestore_index" "order_search_prefix" {
  for_each = local.order_search_prefix_indexes

  project     = var.project_id
  database    = google_firestore_database.default.name
  collection  = "orders"
  query_scope = each.value

  fields {
    field_path = "contractor_id"
    order      = "ASCENDING"
  }

  fields {
    field_path = "order_id_folded"
    order      = "ASCENDING"
  }
}

# list_property_nodes?kind= (A7 property tree: the sites a « Site » filter offers, docs/api.md) reads
#   managers/<m>/property_nodes where kind == <kind> order by __name__ asc (start after <node_id>)
# One equality sorted by document id: the automatic single-field index on kind serves it, as it does an
# unfiltered read by id; no composite index (Firestore refuses one of a single field: "not necessary").

# list_incidents (docs/penalties.md) pages newest first, after equality filters:
#   a reporter: incidents where reporter_tenant == <tenant> and reporter_role == <role>
#               [where state ==] [where severity ==] order by reported_at desc, __name__ desc
#   the operator: every incident, same optional filters (no filter: the single-field index serves).
# (the emulator needs none).
locals {
  incident_list_indexes = {
    state                   = ["state"]
    severity                = ["severity"]
    state_severity          = ["state", "severity"]
    reporter                = ["reporter_tenant", "reporter_role"]
    reporter_state          = ["reporter_tenant", "reporter_role", "state"]
    reporter_severity       = ["reporter_tenant", "reporter_role", "severity"]
    reporter_state_severity = ["reporter_tenant", "reporter_role", "state", "severity"]
  }
}

resource "google_firestore_index" "incident_list" {
  for_each = local.incident_list_indexes

  project     = var.project_id
  database    = google_firestore_database.default.name
  collection  = "incidents"
  query_scope = "COLLECTION"

  dynamic "fields" {
    for_each = each.value
    content {
      field_path = fields.value
      order      = "ASCENDING"
    }
  }

  fields {
    field_path = "reported_at"
    order      = "DESCENDING"
  }
  # __name__ DESCENDING follows, added by Firestore after the last field, in its direction.
}

# list_message_log (docs/api.md) pages a contractor's message log newest first, after equality filters:
#   contractors/<c>/messages [where status ==] [where manager_id == [and order_id ==]]
#                            order by received_at desc, __name__ desc
# and reads, for the orders with a refused message on the page, their accepted ones newest first (status,
# manager_id, order_id in [up to 30 orders]: the same index, the in filter one equality per value). No filter: the single-field index serves; since adds
# received_at >= <time>, served by the same indexes (the emulator needs none).
locals {
  message_log_indexes = {
    status               = ["status"]
    manager              = ["manager_id"]
    manager_order        = ["manager_id", "order_id"]
    status_manager       = ["status", "manager_id"]
    status_manager_order = ["status", "manager_id", "order_id"]
  }
}

resource "google_firestore_index" "message_log" {
  for_each = local.message_log_indexes

  project     = var.project_id
  database    = google_firestore_database.default.name
  collection  = "messages"
  query_scope = "COLLECTION"

  dynamic "fields" {
    for_each = each.value
    content {
      field_path = fields.value
      order      = "ASCENDING"
    }
  }

  fields {
    field_path = "received_at"
    order      = "DESCENDING"
  }
  # __name__ DESCENDING follows, added by Firestore after the last field, in its direction.
}

# B12 replacement: the operator lists every beneficiary's missions awaiting a replacement
# (get_sourcing?view=replacements, shared/service/sourcing/replacements.py):
#   collection group "missions" where state == "replacement_requested"
resource "google_firestore_field" "missions_state_group" {
  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = "missions"
  field      = "state"

  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION"
    }
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
  }
}

# accrue_penalties' hourly sweep finds every deadline whose next check has passed, in every
# manager's space (docs/penalties.md):
#   collection group "deadlines" where next_check_at <= now order by next_check_at
resource "google_firestore_field" "deadlines_next_check_at_group" {
  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = "deadlines"
  field      = "next_check_at"

  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
  }
}

# A10 onboarding: a contractor's D2 deadlines across its clients' spaces — stopped when its conformance run passes
# (shared/service/onboarding.py conformance_passed), and the earliest open one of each contractor of a page of the
# operator's directory (open_d2, list_parties):
#   collection group "deadlines" where contractor_id == <id> (or in [<ids>…], 30 at most) and kind == "D2", no
#   order — merged from these two single-field collection-group indexes (the collection scope kept as by default).
resource "google_firestore_field" "deadlines_contractor_id_group" {
  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = "deadlines"
  field      = "contractor_id"

  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION"
    }
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
  }
}

resource "google_firestore_field" "deadlines_kind_group" {
  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = "deadlines"
  field      = "kind"

  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION"
    }
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
  }
}

# expire_quotes' sweep finds every submitted quote past its validity date, in every manager's
# space (docs/exchange-perimeter.md):
#   collection group "quotes" where state == "submitted" and valid_until < <date>
resource "google_firestore_index" "quotes_state_valid_until_group" {
  project     = var.project_id
  database    = google_firestore_database.default.name
  collection  = "quotes"
  query_scope = "COLLECTION_GROUP"

  fields {
    field_path = "state"
    order      = "ASCENDING"
  }

  fields {
    field_path = "valid_until"
    order      = "ASCENDING"
  }
}

# list_quotes (docs/api.md, shared/service/quote_list.py) pages on updated_at, newest first, after equality filters:
#   a buyer's space:     managers/<m>/quotes [where contractor_id ==] [where state ==] [where order_id ==]
#                        [where site.node_id ==]
#   a contractor's list: collection group "quotes" where contractor_id == <tenant> [where manager_id ==]
#                        [where state ==] [where order_id ==] [where site.node_id ==]
# and its search by reference (?quote_id=, regardless of case: quote_id_folded, kept on each quote; the exact id too
# for a contractor's quotes stored before the backfill), in the same order, the other filters applied on the few rows:
#   managers/<m>/quotes where quote_id_folded ==;  collection group "quotes" where contractor_id == and
#   quote_id_folded == (or quote_id ==).
# The usual queries have their own index; rarer combinations of filters (an order or a node with a state or a party)
# are served by Firestore merging these indexes, which share the updated_at, __name__ suffix. The unfiltered space
# is served by updated_at's single-field index. (The emulator needs none.)
locals {
  quote_list_indexes = {
    space_state            = { scope = "COLLECTION", fields = ["state"] }
    space_contractor       = { scope = "COLLECTION", fields = ["contractor_id"] }
    space_contractor_state = { scope = "COLLECTION", fields = ["contractor_id", "state"] }
    space_order            = { scope = "COLLECTION", fields = ["order_id"] }
    space_node             = { scope = "COLLECTION", fields = ["site.node_id"] }
    contractor             = { scope = "COLLECTION_GROUP", fields = ["contractor_id"] }
    contractor_state       = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "state"] }
    contractor_manager     = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "manager_id"] }
    contractor_manager_st  = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "manager_id", "state"] }
    contractor_order       = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "order_id"] }
    contractor_node        = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "site.node_id"] }
    space_reference        = { scope = "COLLECTION", fields = ["quote_id_folded"] }
    contractor_reference   = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "quote_id_folded"] }
    contractor_quote       = { scope = "COLLECTION_GROUP", fields = ["contractor_id", "quote_id"] }
  }
}

resource "google_firestore_index" "quote_list" {
  for_each = local.quote_list_indexes

  project     = var.project_id
  database    = google_firestore_database.default.name
  collection  = "quotes"
  query_scope = each.value.scope

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path = fields.value
      order      = "ASCENDING"
    }
  }

  fields {
    field_path = "updated_at"
    order      = "DESCENDING"
  }
  # __name__ DESCENDING follows, added by Firestore after the last field, in its direction.
}

# Replay for connectors (shared/service/replay.py): every message to a contractor stays in the
# outbox for 35 days and is read back in commit order:
#   outbox where recipient == <contractor> [and stored_at >= <since>]
#          order by stored_at, created_at, __name__
resource "google_firestore_index" "outbox_recipient_stored_at" {
  project     = var.project_id
  database    = google_firestore_database.default.name
  collection  = "outbox"
  query_scope = "COLLECTION"

  fields {
    field_path = "recipient"
    order      = "ASCENDING"
  }

  fields {
    field_path = "stored_at"
    order      = "ASCENDING"
  }

  fields {
    field_path = "created_at"
    order      = "ASCENDING"
  }
}

# Outbox documents are deleted by Firestore once "expire_at" (created_at + 35 days) is past:
# the replay's retention, and the outbox no longer grows without end.
resource "google_firestore_field" "outbox_expire_at_ttl" {
  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = "outbox"
  field      = "expire_at"

  ttl_config {}

  # Never queried: no single-field index (no hotspot on a growing value).
  index_config {}
}

# A message's body is never queried: no index entries for each of its fields (the larger part of an
# outbox document's write cost).
resource "google_firestore_field" "outbox_data_unindexed" {
  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = "outbox"
  field      = "data"

  index_config {}
}

# Contractors read the contracts they hold across managers (list_contracts, list_billing_accounts):
#   collection group "contracts" where contractor_id == <tenant>
# and the quotes asked of them (list_quotes):
#   collection group "quotes" where contractor_id == <tenant>
resource "google_firestore_field" "contractor_id_group" {
  for_each = toset(["contracts", "quotes"])

  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = each.value
  field      = "contractor_id"

  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION"
    }
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
  }
}

# remind_catalogue_reviews' daily sweep (A14), in every manager's space:
#   collection group "catalogue_reviews" where remind_on <= <today>
resource "google_firestore_field" "catalogue_reviews_remind_on_group" {
  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = "catalogue_reviews"
  field      = "remind_on"

  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION"
    }
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
  }
}

# get_property_coverage (A7 property tree) reads every document record of the manager's orders at once:
#   collection group "documents" where manager_id == <tenant> order by __name__ (fields: property_flag)
# — one query, not one per order (docs/performance.md). The rules grant no client a collection-group read of
# "documents" (firestore.rules): only the functions run it, filtered on the caller's tenant.
resource "google_firestore_field" "documents_manager_id_group" {
  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = "documents"
  field      = "manager_id"

  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION"
    }
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
  }
}

# « À faire » (B11 mission follow-up): list_needs?deliverables=delivered reads a beneficiary's deliverable records at
# once, at each display of its home: collection group "documents" where manager_id == <tenant> and
# kind == "deliverable" (shared/service/listings.py, _deliverables_to_decide) — its reports and invoices not read.
resource "google_firestore_index" "documents_deliverables_group" {
  project     = var.project_id
  database    = google_firestore_database.default.name
  collection  = "documents"
  query_scope = "COLLECTION_GROUP"

  fields {
    field_path = "manager_id"
    order      = "ASCENDING"
  }
  fields {
    field_path = "kind"
    order      = "ASCENDING"
  }
}

# The security rules of the repository root, deployed as the database's release.
resource "google_firebaserules_ruleset" "firestore" {
  project = var.project_id

  source {
    files {
      name    = "firestore.rules"
      content = file("${path.module}/../../firestore.rules")
    }
  }

  depends_on = [google_firestore_database.default]
}

resource "google_firebaserules_release" "firestore" {
  project      = var.project_id
  name         = "cloud.firestore"
  ruleset_name = google_firebaserules_ruleset.firestore.name

  lifecycle {
    replace_triggered_by = [google_firebaserules_ruleset.firestore]
  }
}
