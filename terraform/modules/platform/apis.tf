# The Google APIs the platform uses. They stay enabled when this configuration is destroyed: other things in
# the project may rely on them.
locals {
  # The budget's requests name this project as their quota project, which must have the API on.
  budget_apis = var.billing_budget_enabled ? ["billingbudgets.googleapis.com"] : []

  apis = toset(concat([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "cloudtasks.googleapis.com",
    "compute.googleapis.com",
    "firebaserules.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "identitytoolkit.googleapis.com",
    "language.googleapis.com", # Natural Language moderateText: create_job screens prompts
    "logging.googleapis.com",
    "monitoring.googleapis.com", # the alert policies and their notification channel (modules/monitoring)
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
    "vision.googleapis.com", # Cloud Vision SafeSearch: create_job screens start images
  ], local.budget_apis))
}

resource "google_project_service" "this" {
  for_each = local.apis

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

data "google_project" "this" {
  project_id = var.project_id
}
