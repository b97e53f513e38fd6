# Firestore (native mode), the composite indexes the code's queries need, and the security rules.

resource "google_firestore_database" "this" {
  project                           = var.project_id
  name                              = "(default)"
  location_id                       = var.firestore_location
  type                              = "FIRESTORE_NATIVE"
  concurrency_mode                  = "PESSIMISTIC"
  app_engine_integration_mode       = "DISABLED"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = var.firestore_delete_protection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"
  deletion_policy                   = var.firestore_delete_protection ? "ABANDON" : "DELETE"

  depends_on = [google_project_service.this]
}

# One entry per composite index: collection and fields in order (ASCENDING / DESCENDING). The query each one
# serves is noted beside it. Equality on one field plus the document-id order (the admin users table filtered
# by email) is served by Firestore's automatic single-field index, which Firestore refuses as a composite.
locals {
  firestore_indexes = {
    # a creator's job list: userId == uid, newest first (shared/adapters/firestore.py)
    jobs_user_created = { collection = "jobs", fields = [["userId", "ASCENDING"], ["createdAt", "DESCENDING"]] }
    # queue position: status in (queued, dispatched), createdAt < t, count (shared/adapters/firestore.py);
    # jobs per day: createdAt range, status == failed, count (shared/adapters/admin_stats.py)
    jobs_status_created = { collection = "jobs", fields = [["status", "ASCENDING"], ["createdAt", "ASCENDING"]] }
    # expiry: status == done, expiresAt <= now (shared/adapters/firestore.py)
    jobs_status_expires = { collection = "jobs", fields = [["status", "ASCENDING"], ["expiresAt", "ASCENDING"]] }
    # admin job table: status ==, newest first; userId ==, status ==, newest first (shared/services/admin.py)
    jobs_status_created_desc      = { collection = "jobs", fields = [["status", "ASCENDING"], ["createdAt", "DESCENDING"]] }
    jobs_user_status_created_desc = { collection = "jobs", fields = [["userId", "ASCENDING"], ["status", "ASCENDING"], ["createdAt", "DESCENDING"]] }
    # admin overview sums over settled jobs: sum(credits), sum(gpuSeconds) with status in (...) (shared/services/admin.py)
    jobs_status_credits     = { collection = "jobs", fields = [["status", "ASCENDING"], ["credits", "ASCENDING"]] }
    jobs_status_gpu         = { collection = "jobs", fields = [["status", "ASCENDING"], ["gpuSeconds", "ASCENDING"]] }
    jobs_status_credits_gpu = { collection = "jobs", fields = [["status", "ASCENDING"], ["credits", "ASCENDING"], ["gpuSeconds", "ASCENDING"]] }
    jobs_plan_status_gpu    = { collection = "jobs", fields = [["plan", "ASCENDING"], ["status", "ASCENDING"], ["gpuSeconds", "ASCENDING"]] }
    payments_plan_revenue   = { collection = "payments", fields = [["status", "ASCENDING"], ["currency", "ASCENDING"], ["planId", "ASCENDING"], ["amountMinor", "ASCENDING"]] }
    payments_topup_revenue  = { collection = "payments", fields = [["status", "ASCENDING"], ["currency", "ASCENDING"], ["purpose", "ASCENDING"], ["amountMinor", "ASCENDING"]] }
  }
}

resource "google_firestore_index" "this" {
  for_each = local.firestore_indexes

  project     = var.project_id
  database    = google_firestore_database.this.name
  collection  = each.value.collection
  query_scope = "COLLECTION"

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path = fields.value[0]
      order      = fields.value[1]
    }
  }
}

# The rules in firestore_rules/firestore.rules: clients read their own data, admins read everything, nobody
# writes (the functions write with their service accounts, which the rules do not apply to).
resource "google_firebaserules_ruleset" "firestore" {
  project = var.project_id

  source {
    files {
      name    = "firestore.rules"
      content = file(var.firestore_rules_file)
    }
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [google_firestore_database.this]
}

resource "google_firebaserules_release" "firestore" {
  project      = var.project_id
  name         = "cloud.firestore"
  ruleset_name = "projects/${var.project_id}/rulesets/${google_firebaserules_ruleset.firestore.name}"

  lifecycle {
    replace_triggered_by = [google_firebaserules_ruleset.firestore]
  }
}
