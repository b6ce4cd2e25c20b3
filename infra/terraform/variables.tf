variable "project_id" {
  description = "Google Cloud project id that hosts the platform."
  type        = string
}

variable "region" {
  description = "Region of every regional resource (functions, buckets, queue, scheduler). Defaults to Paris so that data stays in France."
  type        = string
  default     = "europe-west9"
}

variable "firestore_location" {
  description = "Location of the Firestore (default) database. Defaults to Paris so that data stays in France. Cannot be changed once the database exists."
  type        = string
  default     = "europe-west9"
}

variable "contractors" {
  description = "Contractor ids (e.g. [\"ctr-acme\", \"ctr-bati\"]). Each one gets its own Pub/Sub topics, subscriptions and ERP service account."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.contractors : can(regex("^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$", c))])
    error_message = "Contractor ids must be 2-63 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit."
  }

  validation {
    condition     = length(distinct(var.contractors)) == length(var.contractors)
    error_message = "Contractor ids must be unique."
  }

  validation {
    condition     = length(distinct([for c in var.contractors : replace(substr(c, 0, 26), "/-+$/", "")])) == length(var.contractors)
    error_message = "Contractor ids must differ within their first 26 characters (service account ids are truncated)."
  }
}

variable "managers" {
  description = "Manager ids (informational only: managers authenticate with Firebase/Google ID tokens checked by the functions)."
  type        = list(string)
  default     = []
}

variable "source_dir" {
  description = "Directory zipped and deployed as the functions' source: the repository root whose main.py re-exports every entry point. Relative paths are resolved from this Terraform directory."
  type        = string
  default     = "../.."
}

variable "function_memory" {
  description = "Memory of each function instance (Cloud Functions 2nd gen syntax, e.g. \"256M\", \"512M\", \"1G\")."
  type        = string
  default     = "256M"
}

variable "relay_schedule" {
  description = "Cron schedule (Europe/Paris time zone) of the Cloud Scheduler job that triggers relay_outbox."
  type        = string
  default     = "* * * * *"
}

variable "alert_email" {
  description = "E-mail address notified when messages land in a dead-letter subscription. Empty string disables alerting."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = var.alert_email == "" || can(regex("^[^@\\s]+@[^@\\s]+$", var.alert_email))
    error_message = "alert_email must be empty or an e-mail address."
  }
}

variable "web_allowed_origins" {
  description = "Extra browser origins (scheme://host[:port]) allowed to call the functions from the web application, e.g. a custom domain in front of web_app. The functions' own cloudfunctions.net origin is always allowed."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for o in var.web_allowed_origins : can(regex("^https://[a-z0-9.-]+(:[0-9]+)?$", o))])
    error_message = "Each origin must be https://host[:port], without path or trailing slash."
  }
}

variable "firebase_web_api_key" {
  description = "Firebase Web API key of the project (public by design: it identifies the project to Identity Toolkit, it grants nothing). The web application signs users in with it."
  type        = string
  default     = ""
  nullable    = false
}
