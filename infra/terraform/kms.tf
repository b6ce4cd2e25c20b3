# B15 encryption: customer-managed Cloud KMS keys (CMEK), on when var.cmek is true.
#
# One key ring in var.region, one key per service so that each service agent can use its own key
# only, rotated every 90 days. Keys can never be deleted from Google Cloud and destroying one in
# Terraform destroys its versions, i.e. every piece of data it protects: `prevent_destroy` refuses it.
#
# Not covered (Google offers no customer-managed key there, or not through this provider): Cloud Tasks
# timers (a per-location CMEK setting with no Terraform resource in google ~> 6.0), Cloud Scheduler jobs,
# Identity Platform accounts, Cloud Monitoring, the _Required log bucket, Cloud Build's build logs, and
# the Terraform state bucket (created by hand, README step 1). README, "Customer-managed keys".

locals {
  cmek_rotation_period = "7776000s" # 90 days

  # The keys, and what each protects.
  cmek_key_names = toset([
    "firestore", # the (default) database
    "storage",   # the sources and documents buckets
    "pubsub",    # platform topics, and contractors' topics created by register_contractor
    "logging",   # the regional log bucket
    "functions", # the functions, their Cloud Run services and their images (Artifact Registry)
  ])

  # Each service agent and the key it encrypts and decrypts with. The functions' key also serves the
  # agents that build, store and run the images (Google's list for Cloud Functions with CMEK).
  # Only evaluated when var.cmek is true (a conditional reports the errors of the branch it takes).
  project_number = var.cmek ? data.google_project.platform[0].number : null
  storage_agent  = var.cmek ? data.google_storage_project_service_account.platform[0].member : null
  cmek_grants = var.cmek ? {
    firestore         = { key = "firestore", member = google_project_service_identity.firestore[0].member }
    storage           = { key = "storage", member = local.storage_agent }
    pubsub            = { key = "pubsub", member = local.pubsub_service_agent }
    logging           = { key = "logging", member = "serviceAccount:${data.google_logging_project_cmek_settings.platform[0].service_account_id}" }
    cloudfunctions    = { key = "functions", member = "serviceAccount:service-${local.project_number}@gcf-admin-robot.iam.gserviceaccount.com" }
    run               = { key = "functions", member = "serviceAccount:service-${local.project_number}@serverless-robot-prod.iam.gserviceaccount.com" }
    artifactregistry  = { key = "functions", member = google_project_service_identity.artifactregistry[0].member }
    functions_storage = { key = "functions", member = local.storage_agent }
  } : {}

  # The key of each service, or null when CMEK is off (Google-managed encryption).
  cmek_key = { for name in local.cmek_key_names : name => var.cmek ? google_kms_crypto_key.platform[name].id : null }

  # register_contractor creates contractors' topics at run time with the Pub/Sub key
  # (shared/adapters/pubsub_topology.py). Nothing is added when CMEK is off.
  cmek_environment = var.cmek ? { PASSERELLE_PUBSUB_KMS_KEY = local.cmek_key.pubsub } : {}
}

data "google_project" "platform" {
  count      = var.cmek ? 1 : 0
  project_id = var.project_id
}

# Cloud Storage's agent exists once asked for: the data source creates it if needed.
data "google_storage_project_service_account" "platform" {
  count   = var.cmek ? 1 : 0
  project = var.project_id

  depends_on = [time_sleep.apis_ready]
}

data "google_logging_project_cmek_settings" "platform" {
  count   = var.cmek ? 1 : 0
  project = var.project_id

  depends_on = [time_sleep.apis_ready]
}

# Created on first use otherwise: asked for so that they exist before they are granted the key.
resource "google_project_service_identity" "firestore" {
  provider = google-beta
  count    = var.cmek ? 1 : 0

  project = var.project_id
  service = "firestore.googleapis.com"

  depends_on = [time_sleep.apis_ready]
}

resource "google_project_service_identity" "artifactregistry" {
  provider = google-beta
  count    = var.cmek ? 1 : 0

  project = var.project_id
  service = "artifactregistry.googleapis.com"

  depends_on = [time_sleep.apis_ready]
}

resource "google_kms_key_ring" "platform" {
  count    = var.cmek ? 1 : 0
  name     = "passerelle"
  location = var.region

  depends_on = [time_sleep.apis_ready]

  lifecycle {
    # A key ring cannot be deleted from Google Cloud either.
    prevent_destroy = true

    precondition {
      # Firestore only takes a key of its own location, and the ring is in var.region.
      condition     = var.firestore_location == var.region
      error_message = "cmek = true needs firestore_location equal to region (the key ring's location)."
    }
  }
}

resource "google_kms_crypto_key" "platform" {
  for_each = var.cmek ? local.cmek_key_names : toset([])

  name            = each.key
  key_ring        = google_kms_key_ring.platform[0].id
  purpose         = "ENCRYPT_DECRYPT"
  rotation_period = local.cmek_rotation_period

  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key_iam_member" "service_agents" {
  for_each = local.cmek_grants

  crypto_key_id = google_kms_crypto_key.platform[each.value.key].id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = each.value.member
}

# Cloud Functions builds into gcf-artifacts, which takes no key: with CMEK the images go to this
# repository instead (build_config.docker_repository, functions.tf). Its key cannot change later.
resource "google_artifact_registry_repository" "functions" {
  count         = var.cmek ? 1 : 0
  location      = var.region
  repository_id = "passerelle-functions"
  description   = "Images of the Passerelle functions, encrypted with the functions' key."
  format        = "DOCKER"
  kms_key_name  = local.cmek_key.functions

  depends_on = [google_kms_crypto_key_iam_member.service_agents]
}
