# Buckets and the zipped function source.

locals {
  source_dir = startswith(var.source_dir, "/") ? var.source_dir : "${path.module}/${var.source_dir}"
}

resource "google_storage_bucket" "sources" {
  #checkov:skip=CKV_GCP_62:Access is recorded by Cloud Audit Logs (storage DATA_READ and DATA_WRITE, logging.tf) in the europe-west9 log bucket, not by legacy usage logs written to another bucket.
  name     = "${var.project_id}-passerelle-sources"
  location = var.region

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  # Keep a few overwritten versions of an archive, not all of them.
  lifecycle_rule {
    condition {
      num_newer_versions = 5
    }
    action {
      type = "Delete"
    }
  }

  # B15 encryption (kms.tf): new objects are encrypted with the storage key when CMEK is on.
  dynamic "encryption" {
    for_each = var.cmek ? [local.cmek_key.storage] : []
    content {
      default_kms_key_name = encryption.value
    }
  }

  depends_on = [time_sleep.apis_ready, google_kms_crypto_key_iam_member.service_agents]
}

resource "google_storage_bucket" "documents" {
  #checkov:skip=CKV_GCP_62:Access is recorded by Cloud Audit Logs (storage DATA_READ and DATA_WRITE, logging.tf) in the europe-west9 log bucket, not by legacy usage logs written to another bucket.
  name     = "${var.project_id}-passerelle-documents"
  location = var.region

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  # Signed uploads land in incoming/ and are deleted once checked; clear what a client left behind.
  lifecycle_rule {
    condition {
      age            = 1
      matches_prefix = ["incoming/"]
    }
    action {
      type = "Delete"
    }
  }

  # Export archives (A8) are downloaded through 15-minute signed URLs: they expire after
  # var.export_retention_days (a tenant exports again whenever it needs).
  lifecycle_rule {
    condition {
      age            = var.export_retention_days
      matches_prefix = ["exports/"]
    }
    action {
      type = "Delete"
    }
  }

  # Versioning keeps what is overwritten or deleted: rejected or replaced uploads, expired or purged
  # archives and superseded search indexes (they name professionals, docs/personal-data.md) go a
  # day later; other noncurrent versions (documents, reports) after var.noncurrent_retention_days.
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 1
      with_state                 = "ARCHIVED"
      matches_prefix             = ["incoming/", "exports/", "search-index/"]
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.noncurrent_retention_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  # B15 encryption (kms.tf): new objects are encrypted with the storage key when CMEK is on.
  dynamic "encryption" {
    for_each = var.cmek ? [local.cmek_key.storage] : []
    content {
      default_kms_key_name = encryption.value
    }
  }

  depends_on = [time_sleep.apis_ready, google_kms_crypto_key_iam_member.service_agents]
}

# B15 traceability: the witness of the audit chains' heads. seal_audit writes each head once
# (if_generation_match=0) under audit-heads/<space>/<seq>.json; check_audit_witness compares every chain
# in Firestore with them each day. The retention policy forbids deleting or replacing an object before
# var.audit_witness_retention_days, and is locked by default: it can then never be shortened nor
# removed, and the bucket cannot be deleted while it holds a head (irreversible; a throw-away project
# sets var.lock_audit_witness_bucket = false). The functions may create and read objects, never delete
# them (iam.tf, scope witness-bucket).
resource "google_storage_bucket" "audit_witness" {
  #checkov:skip=CKV_GCP_62:Access is recorded by Cloud Audit Logs (storage DATA_READ and DATA_WRITE, logging.tf) in the europe-west9 log bucket, not by legacy usage logs written to another bucket.
  name     = "${var.project_id}-passerelle-audit-witness"
  location = var.region

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  retention_policy {
    retention_period = var.audit_witness_retention_days * 86400
    is_locked        = var.lock_audit_witness_bucket
  }

  # B15 encryption (kms.tf): new objects are encrypted with the storage key when CMEK is on.
  dynamic "encryption" {
    for_each = var.cmek ? [local.cmek_key.storage] : []
    content {
      default_kms_key_name = encryption.value
    }
  }

  depends_on = [time_sleep.apis_ready, google_kms_crypto_key_iam_member.service_agents]
}

data "archive_file" "source" {
  type        = "zip"
  source_dir  = local.source_dir
  output_path = "${path.module}/.build/passerelle-source.zip"

  # Only main.py, functions/, shared/ and requirements.txt are deployed; everything else at the top of
  # the repository is left out here (tests/unit/test_terraform_platform.py checks every top-level entry
  # is one or the other). The web application (web/) is the Firebase Hosting site, not function source.
  excludes = [
    # development tooling and its documents: the contract generator (devtools/contracts), the local
    # stack, tests (web tests included), benchmarks, docs, infrastructure, scripts, CI
    "devtools",
    "web",
    "emulators.json",
    "tests",
    "bench",
    "docs",
    "infra",
    "scripts",
    ".ci",
    "README.md",
    "pytest.ini",
    "requirements-dev.txt",
    "requirements-checkov.txt",
    "package.json",
    "package-lock.json",
    "firebase.json",
    "firestore.rules", # deployed by firestore.tf, not with the functions
    ".gitignore",
    # virtualenvs, node_modules and caches
    ".venv",
    ".venv-checkov",
    ".venv*",
    "node_modules",
    "__pycache__",
    "**/__pycache__",
    "*.pyc",
    "**/*.pyc",
    ".pytest_cache",
    "**/.pytest_cache",
    ".hypothesis",
    ".ruff_cache",
    ".schemathesis",
    ".mypy_cache",
    "*.egg-info",
    # local-only files that must never be shipped
    ".git",
    ".env",
    ".run",
    ".coverage",
    "*-debug.log",
  ]
}

resource "google_storage_bucket_object" "source" {
  # Named after the archive's md5 so that any code change creates a new object
  # and therefore redeploys every function.
  name   = "passerelle-${data.archive_file.source.output_md5}.zip"
  bucket = google_storage_bucket.sources.name
  source = data.archive_file.source.output_path
}
