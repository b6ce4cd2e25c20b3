# Project-wide plumbing: enabled APIs, project metadata and shared locals.

locals {
  # Every API the platform calls. `serviceusage` and `cloudresourcemanager` must already be
  # enabled for Terraform to enable the others (README, step 2); they are listed so that a
  # `terraform destroy` never leaves them out of the description.
  apis = toset([
    "apikeys",              # the web app's browser key (identity.tf)
    "artifactregistry",     # function images
    "cloudbuild",           # function builds
    "cloudfunctions",       # functions.tf
    "cloudkms",             # customer-managed keys, when var.cmek (kms.tf)
    "cloudresourcemanager", # project metadata, IAM bindings
    "cloudscheduler",       # scheduler.tf, deadlines.tf
    "cloudtasks",           # deadline timers
    "eventarc",             # required by Cloud Functions 2nd gen
    "firebaserules",        # firestore.rules
    "firestore",            # the database
    "iam",                  # service accounts, workload identity pools
    "iamcredentials",       # signBlob: every V4 signed URL (documents, exports, reports)
    "identitytoolkit",      # Identity Platform: sign-in, accounts (manage_account)
    "logging",              # log bucket, sink, log-based metrics
    "monitoring",           # alerts, uptime check
    "pubsub",               # topics and subscriptions
    "run",                  # the Cloud Run services behind the functions
    "securetoken",          # ID token refresh of the web app
    "serviceusage",         # enabling the others
    "storage",              # buckets
    "sts",                  # workload identity federation of ERPs (erp_identity.tf)
  ])

  quota_project = var.quota_project == "" ? var.project_id : var.quota_project

  # Contractors whose ERP service account (erp-<c>) this project hosts (iam.tf, erp_identity.tf).
  # Their Pub/Sub topics are not Terraform's: register_contractor creates them (pubsub.tf).
  contractors = toset(var.contractors)

  # Service account ids must be 6-30 characters: "erp-" + at most 26 characters,
  # never ending with a hyphen.
  erp_account_ids = { for c in var.contractors : c => "erp-${replace(substr(c, 0, 26), "/-+$/", "")}" }

  # The Pub/Sub service agent: it forwards undeliverable messages to dead-letter topics and mints
  # the OIDC tokens of push subscriptions.
  pubsub_service_agent = "serviceAccount:${google_project_service_identity.pubsub.email}"

  # Where the functions are reached, and the browser origins allowed to call them: the web
  # app's Firebase Hosting site (its two default domains) plus any custom domain in front of it.
  functions_host     = "${var.region}-${var.project_id}.cloudfunctions.net"
  functions_base_url = "https://${local.functions_host}"
  web_host           = "${var.project_id}.web.app"
  web_origins        = concat(["https://${local.web_host}", "https://${var.project_id}.firebaseapp.com"], var.web_allowed_origins)

  seven_days = "604800s"
}

resource "google_project_service" "enabled" {
  for_each = local.apis

  project = var.project_id
  service = "${each.key}.googleapis.com"

  disable_on_destroy         = false
  disable_dependent_services = false
}

# An API answers a few tens of seconds after it is enabled (and its service agents, such as
# the Pub/Sub one granted below, appear then): every resource waits for this, directly or
# through a resource it references, so that the first apply of an empty project succeeds.
resource "time_sleep" "apis_ready" {
  create_duration = "90s"

  triggers = {
    apis = join(",", sort(local.apis))
  }

  depends_on = [google_project_service.enabled]
}

# Created by Google on first use of Pub/Sub; asked for explicitly so that it exists before the
# dead-letter grants of pubsub.tf on the first apply.
resource "google_project_service_identity" "pubsub" {
  provider = google-beta

  project = var.project_id
  service = "pubsub.googleapis.com"

  depends_on = [time_sleep.apis_ready]
}
