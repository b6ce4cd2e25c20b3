# Toolchain and provider pinning for the Passerelle platform.
#
# State is local by default. For a shared environment, create a GCS bucket
# (europe-west9) and add a `backend.tf` file containing:
#
#   terraform {
#     backend "gcs" {}
#   }
#
# then run `terraform init -backend-config="bucket=<state-bucket>" -backend-config="prefix=passerelle"`.

terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.4"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = {
    app        = "passerelle"
    managed-by = "terraform"
  }
}
