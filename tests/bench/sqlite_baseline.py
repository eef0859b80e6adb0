"""Raw SQLite baseline for the server-ingest benchmark (run by ingest.mjs).

Creates a fresh database from the server's own migrations, with the server's pragmas (WAL,
synchronous=FULL, foreign_keys=ON), inserts the job rows the events refer to, then times
inserting the same event rows the benchmark pushed through the API into the same `events`
table: one transaction per BATCH rows (the fourth argument; a push's size), each row taking the
next value of the change counter as the server does. Prints one JSON object.
"""
import json, os, sqlite3, sys, time, platform
from datetime import datetime, timezone

rows_file, db_file, migrations, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
data = json.load(open(rows_file))
conn = sqlite3.connect(db_file, isolation_level=None)
assert conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
conn.execute("PRAGMA synchronous = FULL")
conn.execute("PRAGMA foreign_keys = ON")
for name in sorted(os.listdir(migrations)):
    if name.endswith(".sql"):
        conn.executescript(open(os.path.join(migrations, name)).read())
now = lambda: datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
rev = 0
conn.execute("BEGIN")
for job in data["jobs"]:
    rev += 1
    conn.execute(
        "INSERT INTO jobs (id, kind, priority, customer, contact, phone, address, fault, reported_at, rev) "
        "VALUES (?, 'repair', 'normal', 'c', 'c', '13800138000', 'a', 'f', ?, ?)",
        (job, now(), rev),
    )
conn.execute("COMMIT")
events = data["events"]
start = time.perf_counter()
for i in range(0, len(events), batch):
    conn.execute("BEGIN")
    for e in events[i : i + batch]:
        rev += 1
        conn.execute(
            "INSERT INTO events (id, job_id, device_id, seq, device_time, type, body, received_at, rev) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (e["id"], e["job_id"], e["device_id"], e["seq"], e["device_time"], e["type"],
             json.dumps(e, ensure_ascii=False, separators=(",", ":")), now(), rev),
        )
    conn.execute("UPDATE meta SET value = ? WHERE key = 'rev'", (rev,))
    conn.execute("COMMIT")
seconds = time.perf_counter() - start
conn.close()
print(json.dumps({"rows": len(events), "seconds": seconds, "rate": len(events) / seconds,
                  "python": platform.python_version(), "sqlite": sqlite3.sqlite_version}))
