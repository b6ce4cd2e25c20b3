# Firestore (native mode) database, indexes and TTL policies.

resource "google_firestore_database" "default" {
  project     = var.project_id
  name        = "(default)"
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"

  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = "DELETE_PROTECTION_ENABLED"
  deletion_policy                   = "ABANDON"

  depends_on = [google_project_service.enabled]
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
