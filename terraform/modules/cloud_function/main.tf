# One 2nd-gen Cloud Function (python311) built from the folder `make bundle` staged for it.
#
# Never open to all traffic on its own URL: a public function takes requests only from the load balancer
# (ingress internal + GCLB), an internal one only from inside the project (Cloud Tasks, Cloud Scheduler).
#
# The upload is named after the zip's MD5, so any change to main.py, shared/ or requirements.txt gives a new
# object name, which changes build_config and redeploys the function; an unchanged bundle plans no change.

data "archive_file" "source" {
  type             = "zip"
  source_dir       = var.source_dir
  output_path      = "${var.archive_dir}/${var.name}.zip"
  output_file_mode = "0644"

  lifecycle {
    precondition {
      condition     = fileexists("${var.source_dir}/main.py") && fileexists("${var.source_dir}/requirements.txt")
      error_message = "${var.source_dir} is not staged: run `make bundle` before terraform plan / apply."
    }
  }
}

resource "google_storage_bucket_object" "source" {
  name         = "${var.name}-${data.archive_file.source.output_md5}.zip"
  bucket       = var.source_bucket
  source       = data.archive_file.source.output_path
  content_type = "application/zip"
}

resource "google_cloudfunctions2_function" "this" {
  project     = var.project_id
  location    = var.region
  name        = var.name
  description = "CineWeave ${var.entry_point}"
  labels      = var.labels

  build_config {
    runtime         = "python311"
    entry_point     = var.entry_point
    service_account = var.build_service_account_id

    source {
      storage_source {
        bucket = var.source_bucket
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    service_account_email            = var.service_account_email
    available_memory                 = var.memory
    available_cpu                    = var.cpu
    timeout_seconds                  = var.timeout_seconds
    min_instance_count               = var.min_instances
    max_instance_count               = var.max_instances
    max_instance_request_concurrency = var.concurrency
    ingress_settings                 = var.public ? "ALLOW_INTERNAL_AND_GCLB" : "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true

    # functions-framework serves with gunicorn threads; match them to the requests Cloud Run sends at once.
    environment_variables = merge(var.env, { THREADS = tostring(var.concurrency) })

    dynamic "secret_environment_variables" {
      for_each = var.secret_env
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }
  }

  lifecycle {
    precondition {
      condition     = var.concurrency == 1 || tonumber(var.cpu) >= 1
      error_message = "${var.entry_point}: request concurrency above 1 needs cpu of at least 1."
    }
    precondition {
      condition     = !(var.public && length(var.invoker_members) > 0)
      error_message = "${var.entry_point}: a public function takes no invoker_members (allUsers already covers them)."
    }
  }
}

# Public functions authenticate their callers themselves (Firebase ID tokens, webhook signatures and tokens);
# the load balancer forwards anonymous requests, so the Cloud Run service must let allUsers in.
resource "google_cloud_run_v2_service_iam_member" "public" {
  count = var.public ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.this.service_config[0].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Internal functions: only the given identities (Cloud Tasks / Cloud Scheduler service accounts) may invoke.
resource "google_cloud_run_v2_service_iam_member" "invoker" {
  for_each = toset(var.invoker_members)

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.this.service_config[0].service
  role     = "roles/run.invoker"
  member   = each.value
}
