# Project-wide plumbing: enabled APIs, project metadata and shared locals.

locals {
  apis = toset([
    "artifactregistry",
    "cloudbuild",
    "cloudfunctions",
    "cloudscheduler",
    "cloudtasks",
    "eventarc",
    "firestore",
    "iam",
    "identitytoolkit",
    "firebaserules",
    "logging",
    "monitoring",
    "pubsub",
    "run",
    "storage",
  ])

  contractors = toset(var.contractors)

  # Every contractor-scoped topic that carries business messages. Each one has
  # a "<topic>-dead-letter" topic and a "<topic>-dead-letter-ops" subscription.
  source_topic_names = toset(flatten([
    for c in var.contractors : ["orders-${c}", "execution-${c}", "replies-${c}"]
  ]))

  # Service account ids must be 6-30 characters: "erp-" + at most 26 characters,
  # never ending with a hyphen.
  erp_account_ids = { for c in var.contractors : c => "erp-${replace(substr(c, 0, 26), "/-+$/", "")}" }

  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  seven_days = "604800s"
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_project_service" "enabled" {
  for_each = local.apis

  project = var.project_id
  service = "${each.key}.googleapis.com"

  disable_on_destroy         = false
  disable_dependent_services = false
}
