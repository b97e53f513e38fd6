"""Queue positions on the job view: waiting jobs created before this one, plus one, read from Firestore."""

from shared.adapters.firestore import FirestoreStore


def create(api, user):
    answer = api.post("/api/jobs", user, json={"prompt": "a lighthouse at dusk", "durationSec": 5})
    assert answer.status_code == 201, answer.json
    return answer.json["jobId"]


def test_each_waiting_job_sees_how_many_were_queued_before_it(api, services, make_user):
    users = [make_user(credits=2) for _ in range(3)]
    jobs = [(user, create(api, user)) for user in users]
    jobs.append((users[0], create(api, users[0])))
    positions = [api.get(f"/api/jobs/{job_id}", user).json["queuePosition"] for user, job_id in jobs]
    assert positions == [1, 2, 3, 4]

    # Behind a full front of the line the position is counted instead: same numbers.
    store = FirestoreStore(services.db)
    store._waiting_line.front_size = 2
    assert [store.queue_position(services.store.job(job_id)) for _, job_id in jobs] == [1, 2, 3, 4]

    # A finished job leaves the line: a fresh read (another process, or a second later) counts one fewer.
    assert api.post(f"/api/jobs/{jobs[0][1]}/cancel", users[0]).status_code == 200
    later = FirestoreStore(services.db)
    assert [later.queue_position(services.store.job(job_id)) for _, job_id in jobs[1:]] == [1, 2, 3]
