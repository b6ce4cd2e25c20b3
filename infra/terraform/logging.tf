# The platform's logs stay in France: a log bucket in var.region receives them through a sink,
# and the global _Default bucket stops storing them (an exclusion on the _Default sink).
# Admin Activity and System Event audit logs always go to Google's _Required bucket (global,
# 400 days, cannot be routed away); log-based metrics (monitoring.tf) count every log entry
# the project receives, whichever bucket stores it.

locals {
  # Everything except what _Required keeps anyway.
  regional_logs_filter = join(" AND ", [
    "NOT LOG_ID(\"cloudaudit.googleapis.com/activity\")",
    "NOT LOG_ID(\"cloudaudit.googleapis.com/system_event\")",
    "NOT LOG_ID(\"cloudaudit.googleapis.com/access_transparency\")",
    "NOT LOG_ID(\"externalaudit.googleapis.com/activity\")",
  ])
}

resource "google_logging_project_bucket_config" "passerelle" {
  project        = var.project_id
  location       = var.region
  bucket_id      = "passerelle"
  retention_days = var.log_retention_days
  description    = "Logs of the Passerelle platform, kept in ${var.region}."
  # B15 traceability: a locked bucket's retention cannot be shortened and the bucket cannot be deleted
  # while it holds logs, so the audit sealer's head hashes (seal_audit logs one per chain on every run)
  # outlive anyone who could rewrite Firestore. Irreversible: a throw-away project sets it to false.
  locked = var.lock_log_bucket

  # B15 encryption (kms.tf): new log entries are encrypted with the logging key. Once set, a bucket's
  # key can be changed but not removed.
  dynamic "cmek_settings" {
    for_each = var.cmek ? [local.cmek_key.logging] : []
    content {
      kms_key_name = cmek_settings.value
    }
  }

  depends_on = [time_sleep.apis_ready, google_kms_crypto_key_iam_member.service_agents]
}

# A log bucket of the same project as destination: the sink's writer needs no grant.
resource "google_logging_project_sink" "passerelle" {
  name        = "passerelle-regional"
  description = "Every log of the project except _Required's, into the ${var.region} bucket."
  destination = "logging.googleapis.com/${google_logging_project_bucket_config.passerelle.id}"
  filter      = local.regional_logs_filter

  unique_writer_identity = true
}

# Not stored twice, and not outside France: the _Default sink skips what the sink above keeps.
resource "google_logging_project_exclusion" "regional" {
  name        = "passerelle-kept-in-region"
  description = "Stored in the ${var.region} bucket by the passerelle-regional sink instead."
  filter      = local.regional_logs_filter

  depends_on = [google_logging_project_sink.passerelle]
}

# Who read or wrote which object (PDF documents, exports, reports): Data Access audit logs of
# Cloud Storage, kept with the other logs in the regional bucket (instead of bucket usage logs).
resource "google_project_iam_audit_config" "storage" {
  project = var.project_id
  service = "storage.googleapis.com"

  audit_log_config {
    log_type = "DATA_READ"
  }

  audit_log_config {
    log_type = "DATA_WRITE"
  }

  depends_on = [time_sleep.apis_ready]
}
