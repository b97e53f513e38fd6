# Every entry point in functions/ is one Cloud Function; this map is the single list of them
# (tests/infra checks it against functions/*.py and shared/routes.py).
#
#   role      service account it runs as: api (user-facing API), webhooks (RunPod / TrueLayer callbacks),
#             dispatcher (Cloud Tasks and Cloud Scheduler targets)
#   public    reachable through the load balancer, invocable by allUsers (the function checks its callers);
#             otherwise internal: ingress internal-only, invocable only by the `invokers` service accounts
#   enqueues  creates dispatch tasks on the dispatch queue
#   notifies  enqueues webhook deliveries on the webhooks queue: it moves jobs to running, done, failed or
#             canceled (each move raises the creator's event) or, the sweep, enqueues lost events again
#   moderates screens requests with Cloud Natural Language and Cloud Vision (iam.tf grants its role the
#             right to call them)
#   secrets   Secret Manager secrets mounted as environment variables (keys of local.secrets)
#   sizes     memory, cpu, timeout_seconds, min_instances, max_instances, concurrency: the defaults below,
#             overridable per environment with var.function_overrides
locals {
  # The production settings refuse to start unless every one of these is a real secret (shared/config.py), so
  # each function that builds the settings mounts all of them; only health, which never reads them, has none.
  settings_secrets = [
    "runpod_api_key",
    "webhook_token_secret",
    "internal_task_secret",
    "r2_secret_access_key",
    "truelayer_client_secret",
    "truelayer_signing_private_key",
    "moderation_audit_salt",
  ]

  functions = {
    create_job = {
      role   = "api", public = true, invokers = [], enqueues = true, notifies = false, moderates = true, secrets = local.settings_secrets
      memory = "512Mi", cpu = "1", timeout_seconds = 60, min_instances = 0, max_instances = 20, concurrency = 20
    }
    get_job = {
      role   = "api", public = true, invokers = [], enqueues = false, notifies = true, moderates = false, secrets = local.settings_secrets
      memory = "512Mi", cpu = "1", timeout_seconds = 60, min_instances = 0, max_instances = 20, concurrency = 40
    }
    cancel_job = {
      role   = "api", public = true, invokers = [], enqueues = false, notifies = true, moderates = false, secrets = local.settings_secrets
      memory = "512Mi", cpu = "1", timeout_seconds = 60, min_instances = 0, max_instances = 10, concurrency = 20
    }
    credits = {
      role   = "api", public = true, invokers = [], enqueues = false, notifies = false, moderates = false, secrets = local.settings_secrets
      memory = "512Mi", cpu = "1", timeout_seconds = 30, min_instances = 0, max_instances = 10, concurrency = 40
    }
    developer = {
      role   = "api", public = true, invokers = [], enqueues = false, notifies = false, moderates = false, secrets = local.settings_secrets
      memory = "512Mi", cpu = "1", timeout_seconds = 30, min_instances = 0, max_instances = 10, concurrency = 40
    }
    create_upload = {
      role   = "api", public = true, invokers = [], enqueues = false, notifies = false, moderates = false, secrets = local.settings_secrets
      memory = "512Mi", cpu = "1", timeout_seconds = 30, min_instances = 0, max_instances = 10, concurrency = 40
    }
    plans = {
      role   = "api", public = true, invokers = [], enqueues = false, notifies = false, moderates = false, secrets = local.settings_secrets
      memory = "512Mi", cpu = "1", timeout_seconds = 30, min_instances = 0, max_instances = 10, concurrency = 40
    }
    subscribe = {
      role   = "api", public = true, invokers = [], enqueues = false, notifies = false, moderates = false, secrets = local.settings_secrets
      memory = "512Mi", cpu = "1", timeout_seconds = 60, min_instances = 0, max_instances = 10, concurrency = 20
    }
    admin = {
      role   = "api", public = true, invokers = [], enqueues = false, notifies = false, moderates = false, secrets = local.settings_secrets
      memory = "1Gi", cpu = "1", timeout_seconds = 120, min_instances = 0, max_instances = 3, concurrency = 8
    }
    health = {
      role   = "api", public = true, invokers = [], enqueues = false, notifies = false, moderates = false, secrets = []
      memory = "512Mi", cpu = "1", timeout_seconds = 10, min_instances = 0, max_instances = 3, concurrency = 80
    }
    runpod_webhook = {
      role   = "webhooks", public = true, invokers = [], enqueues = false, notifies = true, moderates = false, secrets = local.settings_secrets
      memory = "512Mi", cpu = "1", timeout_seconds = 60, min_instances = 0, max_instances = 20, concurrency = 20
    }
    truelayer_webhook = {
      role   = "webhooks", public = true, invokers = [], enqueues = false, notifies = false, moderates = false, secrets = local.settings_secrets
      memory = "512Mi", cpu = "1", timeout_seconds = 60, min_instances = 0, max_instances = 5, concurrency = 20
    }
    dispatch_job = {
      role   = "dispatcher", public = false, invokers = ["tasks"], enqueues = false, notifies = true, moderates = false, secrets = local.settings_secrets
      memory = "512Mi", cpu = "1", timeout_seconds = 120, min_instances = 0, max_instances = 10, concurrency = 10
    }
    # One pass at a time: the sweep and the renewal walk the whole backlog; a second instance would only race.
    sweep = {
      role   = "dispatcher", public = false, invokers = ["scheduler"], enqueues = true, notifies = true, moderates = false, secrets = local.settings_secrets
      memory = "512Mi", cpu = "1", timeout_seconds = 540, min_instances = 0, max_instances = 1, concurrency = 1
    }
    renew = {
      role   = "dispatcher", public = false, invokers = ["scheduler"], enqueues = false, notifies = false, moderates = false, secrets = local.settings_secrets
      memory = "512Mi", cpu = "1", timeout_seconds = 540, min_instances = 0, max_instances = 1, concurrency = 1
    }
  }

  # Per-environment sizes on top of the defaults (unset attributes keep the default).
  sized_functions = {
    for name, fn in local.functions : name => merge(fn, {
      for attribute, value in try(var.function_overrides[name], {}) : attribute => value if value != null
    })
  }

  function_names = { for name in keys(local.functions) : name => "${var.name_prefix}-${replace(name, "_", "-")}" }

  # Cloud Run's deterministic URL of each function's service: known before the function exists, so a function
  # can name itself (its OIDC audience) and the queue can name the dispatcher without a dependency cycle.
  function_urls = {
    for name, service in local.function_names : name => "https://${service}-${data.google_project.this.number}.${var.region}.run.app"
  }
  dispatch_url = "${local.function_urls["dispatch_job"]}/api/tasks/dispatch"

  # INTERNAL_AUDIENCE: the OIDC audience a function expects on internal calls, which Cloud Run also requires
  # to be the receiving service's own URL. (Dispatch tasks take their audience from DISPATCH_URL's origin.)
  internal_audience = {
    for name, fn in local.functions : name => local.function_urls[name]
  }

  function_env = {
    for name, fn in local.functions : name => length(fn.secrets) == 0 ? { CINEWEAVE_ENV = "production" } : merge(
      local.settings_env, { INTERNAL_AUDIENCE = local.internal_audience[name] },
    )
  }
}

resource "google_storage_bucket" "sources" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name_prefix}-fn-sources"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
  labels                      = var.labels

  versioning {
    enabled = true
  }

  # Uploads are named by their content hash, so nothing is overwritten; a replaced version is only history.
  lifecycle_rule {
    condition {
      num_newer_versions = 1
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle {
    precondition {
      condition     = alltrue([for name in keys(var.function_overrides) : contains(keys(local.functions), name)])
      error_message = "function_overrides names a function that does not exist: ${join(", ", keys(var.function_overrides))}."
    }
  }

  #checkov:skip=CKV_GCP_62:Holds only the functions' deploy archives (no user data); reads and writes are by the deployer and Cloud Build and appear in Cloud Audit Logs.
}

module "function" {
  source   = "../cloud_function"
  for_each = local.sized_functions

  project_id               = var.project_id
  region                   = var.region
  name                     = local.function_names[each.key]
  entry_point              = each.key
  source_dir               = "${var.bundle_dir}/${each.key}"
  archive_dir              = var.archive_dir
  source_bucket            = google_storage_bucket.sources.name
  service_account_email    = google_service_account.runtime[each.value.role].email
  build_service_account_id = google_service_account.build.id
  labels                   = merge(var.labels, { function = replace(each.key, "_", "-") })

  memory          = each.value.memory
  cpu             = each.value.cpu
  timeout_seconds = each.value.timeout_seconds
  min_instances   = each.value.min_instances
  max_instances   = each.value.max_instances
  concurrency     = each.value.concurrency

  env        = local.function_env[each.key]
  secret_env = { for key in each.value.secrets : local.secrets[key].env => google_secret_manager_secret.this[key].secret_id }

  public          = each.value.public
  invoker_members = [for invoker in each.value.invokers : "serviceAccount:${google_service_account.invoker[invoker].email}"]

  depends_on = [
    google_project_service.this,
    google_project_iam_member.runtime,
    google_project_iam_member.moderator,
    google_project_iam_member.build,
    google_secret_manager_secret_iam_member.accessor,
  ]
}
