# Toolchain, state and provider configuration of the Passerelle platform.
#
# State lives in a GCS bucket (README, step 1 creates it). The bucket cannot be a Terraform
# variable, so it is given at init time (partial backend configuration):
#
#   terraform init -backend-config=backend.hcl     # see backend.hcl.example
#
# `terraform init -backend=false` is enough for `terraform validate` on a workstation.

terraform {
  required_version = ">= 1.7" # removed blocks (pubsub.tf, the migration to run-time topics)

  backend "gcs" {}

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
    # Only for google_project_service_identity (main.tf): the Pub/Sub service agent must exist
    # before it is granted anything on the first apply.
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "~> 6.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.4"
    }
    time = {
      source  = "hashicorp/time"
      version = "~> 0.12"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region

  # Quota and billing of API calls made with user credentials (gcloud auth
  # application-default login) go to this project: Identity Toolkit and API Keys refuse
  # calls without a quota project.
  billing_project       = local.quota_project
  user_project_override = true

  default_labels = {
    app        = "passerelle"
    managed-by = "terraform"
  }
}

provider "google-beta" {
  project               = var.project_id
  region                = var.region
  billing_project       = local.quota_project
  user_project_override = true
}
