"""Household CSV import on PostgreSQL: rows per second through the service the CLI and the API call
(housing.imports.import_households: every row checked, registered, queued, audited, its duplicate keys stored and
compared), beside a bare bulk INSERT of the same rows in the same run.

Each size imports into a fresh database holding `--existing` open households already (so duplicate lookups
search a real queue); about 5 % of the file's rows repeat an earlier household in another script, word order or
phone format, and are flagged. "app cpu s" is the importing process's own CPU time, "db cpu s" that of the
PostgreSQL backend serving it (read from /proc when the server runs on this machine): on a shared machine they
move less with the load than the wall time does.

Run: .venv/bin/python bench/import.py [--sizes 1000,10000,100000] [--existing 10000]
     [--database postgresql+psycopg://postgres@127.0.0.1:5432/aidcoord_bench_import]
"""
import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

# The repository instead of bench/ itself, whose queue.py would shadow the standard library's queue.
sys.path.pop(0)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from flask_migrate import upgrade

from aidcoord import create_app
from aidcoord.accounts import services as accounts
from aidcoord.extensions import db
from aidcoord.housing import imports
from aidcoord.housing.models import Household
from bench.databases import fresh_postgres_database

FIRST = [("Armen", "Армен", "Արմեն"), ("Narine", "Нарине", "Նարինե"), ("Gayane", "Гаяне", "Գայանե"),
         ("Tigran", "Тигран", "Տիգրան"), ("Lilit", "Лилит", "Լիլիթ"), ("Aram", "Арам", "Արամ"),
         ("Anahit", "Анаит", "Անահիտ"), ("Davit", "Давид", "Դավիթ"), ("Mariam", "Мариам", "Մարիամ"),
         ("Hayk", "Айк", "Հայկ"), ("Ani", "Ани", "Անի"), ("Vardan", "Вардан", "Վարդան")]
SYLLABLES = [("sar", "сар", "սար"), ("ka", "ка", "կա"), ("pet", "пет", "պետ"), ("ro", "ро", "րո"),
             ("mel", "мел", "մել"), ("gas", "гас", "գաս"), ("ter", "тер", "տեր"), ("nal", "нал", "նալ"),
             ("bag", "баг", "բագ"), ("dan", "дан", "դան"), ("vor", "вор", "վոր"), ("lus", "лус", "լուս"),
             ("tam", "там", "թամ"), ("zar", "зар", "զար"), ("mik", "мик", "միկ"), ("nur", "нур", "նուր"),
             ("av", "ав", "ավ"), ("si", "си", "սի"), ("ov", "ов", "ով"), ("ma", "ма", "մա")]
SUFFIX = ("yan", "ян", "յան")
# 8,000 surnames (three syllables and -yan), each written in Latin, Cyrillic and Armenian letters
LAST = [tuple(a[i] + b[i] + c[i] + SUFFIX[i] for i in range(3))
        for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]
COLUMNS = ("external_ref", "contact_name", "contact_phone", "adults", "children", "preferred_regions", "languages")
REGIONS = ["AM-ER", "AM-SU", "AM-KT", "AM-AR", "AM-SH", "AM-LO", "AM-GR", "AM-TV", "AM-VD", "AM-AG", "AM-AV"]


def people(count: int, seed: int, prefix: str) -> list[dict]:
    """`count` rows; about 5 % repeat an earlier row written another way (script, word order, phone format)."""
    rng = random.Random(seed)
    rows: list[dict] = []
    for number in range(count):
        if rows and rng.random() < 0.05:
            earlier = rng.choice(rows)
            script = rng.randrange(3)
            first, last = earlier["_names"]
            name = f"{last[script]} {first[script]}"
            phone = earlier["contact_phone"].replace("+374", "0").replace(" ", "")
            row = {**earlier, "external_ref": f"{prefix}-{number}", "contact_name": name, "contact_phone": phone}
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            script = rng.randrange(3)
            row = {"external_ref": f"{prefix}-{number}", "_names": (first, last),
                   "contact_name": f"{first[script]} {last[script]}",
                   "contact_phone": f"+374 {rng.choice([91, 93, 94, 95, 96, 98, 99, 77])} {rng.randrange(10**6):06d}",
                   "adults": rng.randint(1, 3), "children": rng.choice([0, 0, 1, 2, 3]),
                   "preferred_regions": rng.choice(REGIONS), "languages": rng.choice(["hy", "hy ru", "ru"])}
        rows.append(row)
    return rows


def as_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def bare_insert(rows: list[dict], user_id: int) -> float:
    """The anchor: the same rows into a copy of the households table by one executemany, in one transaction."""
    values = [{"contact_name": row["contact_name"], "contact_phone": row["contact_phone"],
               "size": row["adults"] + row["children"], "adults": row["adults"], "children": row["children"],
               "preferred_regions": f'["{row["preferred_regions"]}"]', "languages": '["hy"]',
               "registered_by_id": user_id} for row in rows]
    with db.engine.begin() as connection:
        connection.execute(sa.text(
            "CREATE TEMP TABLE bare_households (LIKE households INCLUDING DEFAULTS INCLUDING INDEXES)"))
    started = time.perf_counter()
    with db.engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO bare_households (id, contact_name, contact_phone, size, adults, children, children_under_5,"
            " over_65, disabled, single_caregiver, medical_needs, medical_note, pets, step_free_needed,"
            " preferred_regions, region_required, needed_from, languages, consent_to_share, priority,"
            " priority_reasons, priority_boost, vulnerability_self_declared, registered_by_id, created_at)"
            " VALUES (nextval('households_id_seq'), :contact_name, :contact_phone, :size, :adults, :children, 0, 0,"
            " 0, false, false, '', false, false, CAST(:preferred_regions AS json), false, CURRENT_DATE,"
            " CAST(:languages AS json), false, 0, '[]', 0, false, :registered_by_id, now())"), values)
    elapsed = time.perf_counter() - started
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE bare_households"))
    return elapsed


def backend_cpu(pid: int) -> float:
    """CPU seconds a PostgreSQL backend on this machine has used (user + system, from /proc); NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(url: str, size: int, existing: int) -> dict:
    fresh_postgres_database(url)
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url,
                      "HOUSEHOLD_IMPORT_MAX_ROWS": max(size, existing),
                      "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1}})
    with app.app_context():
        upgrade()
        user = accounts.register_user("bench@aidcoord.example", "Bench", "bench-password-2023", roles=["coordinator"],
                                      self_service=False)
        db.session.commit()
        if existing:
            imports.import_households(user, as_csv(people(existing, 1, "E")))
        rows = people(size, 2, "N")
        text = as_csv(rows)
        backend: int = db.session.execute(sa.select(sa.func.pg_backend_pid())).scalar_one()  # the import's connection
        started, cpu_started, db_started = time.perf_counter(), time.process_time(), backend_cpu(backend)
        created = imports.import_households(user, text)
        service, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        db_cpu = backend_cpu(backend) - db_started
        flagged = db.session.scalar(sa.select(sa.func.count()).select_from(Household).where(
            Household.external_ref.like("N-%"), Household.possible_duplicate_of_id.is_not(None)))
        assert len(created) == size
        bare = bare_insert(rows, user.id)
        db.session.remove()
        db.engine.dispose()
    return {"size": size, "service_s": service, "cpu_s": cpu, "db_cpu_s": db_cpu, "bare_s": bare, "flagged": flagged}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--existing", type=int, default=10000, help="open households already in the queue")
    parser.add_argument("--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/aidcoord_bench_import")
    args = parser.parse_args()
    print(f"{'rows':>8} {'service s':>10} {'rows/s':>8} {'app cpu s':>10} {'db cpu s':>9} {'bare s':>8}"
          f" {'bare rows/s':>12} {'ratio':>6} {'flagged':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        result = run(args.database, size, args.existing)
        print(f"{size:>8} {result['service_s']:>10.2f} {size / result['service_s']:>8.0f} {result['cpu_s']:>10.2f}"
              f" {result['db_cpu_s']:>9.2f} {result['bare_s']:>8.2f}"
              f" {size / result['bare_s']:>12.0f} {result['bare_s'] / result['service_s']:>6.3f}"
              f" {result['flagged']:>8}", flush=True)


if __name__ == "__main__":
    main()
