"""Generated data at the scale the platform is designed for (``zhijiao gendata``).

A database that holds the official plan (``zhijiao migrate`` and ``zhijiao loadplan``) is filled
with fictitious but internally consistent data for every module, at the size of one city
(Jiangyin) or of the province (Jiangsu, 13 cities): units and accounts, teachers and students,
enterprises and their profiles, demand surveys, a year of job postings, the schools' supply, the
credit bank's learners with their outcomes, applications, credits and ledger, and the smaller
registries around them.

How it stays fast enough for the province (tens of millions of rows):

- Volume tables are written in bulk — PostgreSQL ``COPY`` through psycopg 3's ``cursor.copy()``,
  SQLite ``executemany`` in large batches — with explicit primary keys assigned here, never one
  ORM save per row; sequences are moved past the written keys at the end.
- Personal data is encrypted the way :mod:`zhijiao.core.personal` stores it (SM4-GCM under the
  platform key, HMAC-SM3 lookup digests), by :class:`.base.Crypto`, which only differs from the
  services in where the nonce comes from: it is derived from the seed, the row and the field, so
  that one seed gives byte-identical rows on every run and every database.
- The credit bank ledger is hashed into its chain as the entries are generated, in sequence
  order, and its head and a signed checkpoint are written at the end, so ``zhijiao ledger
  verify`` passes on the result.

Every choice comes from ``random.Random`` seeded from ``--seed`` (one generator per module and
chunk) or from a keyed mix of the seed and a row number, never from primary keys of existing rows
or the order of a dict or set: the same seed and reference date give the same rows on SQLite and
PostgreSQL. (The small-volume stories reuse the demo commands, which stamp some rows with the
time they ran.)

- On PostgreSQL the volume tables' secondary indexes, unique and foreign-key constraints are taken
  off for the load and put back at the end (each index built once, each foreign key validated
  with one join) inside the same transaction; the credit bank's learners are drawn by two
  processes, chunk by chunk, each chunk from a generator of its own (the rows do not depend on the
  number of processes).

Modules: :mod:`.base` (scales, identities, encryption, the bulk writer), :mod:`.orgs` (units,
accounts and the schools' majors every module shares); the volume generators :mod:`.people`,
:mod:`.talent`, :mod:`.creditbank`; and, once those are loaded and indexed, the modules of small
volume — :mod:`.plan`, :mod:`.indicators`, :mod:`.cooperation`, :mod:`.evaluation` — told by the
platform's own loaders and demo stories for Jiangyin. :func:`.run.generate` runs them in order in
one transaction.
"""
