# One service account per role, each with only what its functions use.
locals {
  runtime_roles = {
    api        = "CineWeave public API functions"
    webhooks   = "CineWeave webhook handlers (RunPod, TrueLayer)"
    dispatcher = "CineWeave internal functions (dispatch, sweep, renewal)"
  }
  invoker_roles = {
    tasks     = "CineWeave Cloud Tasks caller of the dispatch function"
    scheduler = "CineWeave Cloud Scheduler caller of the sweep and renewal functions"
  }

  # Roles whose functions create dispatch tasks.
  enqueuer_roles = toset(distinct([for name, fn in local.functions : fn.role if fn.enqueues]))

  # Roles whose functions enqueue webhook deliveries.
  notifier_roles = toset(distinct([for name, fn in local.functions : fn.role if fn.notifies]))

  # Roles whose functions call Cloud Natural Language and Cloud Vision to screen create requests.
  moderator_roles = toset(distinct([for name, fn in local.functions : fn.role if fn.moderates]))

  # A role may read a secret only if one of its functions mounts it.
  secret_grants = {
    for grant in distinct(flatten([
      for name, fn in local.functions : [for secret in fn.secrets : { role = fn.role, secret = secret }]
    ])) : "${grant.role}/${grant.secret}" => grant
  }
}

resource "google_service_account" "runtime" {
  for_each = local.runtime_roles

  project      = var.project_id
  account_id   = "${var.name_prefix}-${each.key}"
  display_name = each.value
}

resource "google_service_account" "invoker" {
  for_each = local.invoker_roles

  project      = var.project_id
  account_id   = "${var.name_prefix}-${each.key}"
  display_name = each.value
}

resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-build"
  display_name = "CineWeave Cloud Build (function images)"
}

# Every runtime role reads and writes Firestore (jobs, users, ledger, payments, webhook events).
resource "google_project_iam_member" "runtime" {
  for_each = local.runtime_roles

  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.runtime[each.key].email}"
}

# Natural Language moderateText and Vision images:annotate have no resource to grant on: the caller needs only
# to consume the project's enabled services (quota and billing are attributed to the project).
resource "google_project_iam_member" "moderator" {
  for_each = local.moderator_roles

  project = var.project_id
  role    = "roles/serviceusage.serviceUsageConsumer"
  member  = "serviceAccount:${google_service_account.runtime[each.value].email}"
}

# Builds the functions' images: reads the source archive (Cloud Functions also stages a copy in its own
# gcf-v2-sources bucket, hence project-wide read), pushes the image to Artifact Registry, writes build logs.
resource "google_project_iam_member" "build" {
  for_each = toset(["roles/artifactregistry.writer", "roles/logging.logWriter", "roles/storage.objectViewer"])

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.build.email}"
}

resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each = local.secret_grants

  project   = var.project_id
  secret_id = google_secret_manager_secret.this[each.value.secret].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime[each.value.role].email}"
}

# Enqueueing a task with an OIDC token means acting as the tasks invoker: enqueuer on the queue, and
# serviceAccountUser on that one service account only. Webhook deliveries are signed by the same invoker.
resource "google_cloud_tasks_queue_iam_member" "enqueuer" {
  for_each = local.enqueuer_roles

  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.dispatch.name
  role     = "roles/cloudtasks.enqueuer"
  member   = "serviceAccount:${google_service_account.runtime[each.value].email}"
}

resource "google_cloud_tasks_queue_iam_member" "webhook_enqueuer" {
  for_each = local.notifier_roles

  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.webhooks.name
  role     = "roles/cloudtasks.enqueuer"
  member   = "serviceAccount:${google_service_account.runtime[each.value].email}"
}

resource "google_service_account_iam_member" "enqueuer_acts_as_tasks_invoker" {
  for_each = setunion(local.enqueuer_roles, local.notifier_roles)

  service_account_id = google_service_account.invoker["tasks"].name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.runtime[each.value].email}"
}
