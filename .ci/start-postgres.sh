# Sourced by .ci/run (and usable by hand): starts the Debian cluster and exports the test URL.
PG_VERSION=$(ls /etc/postgresql | sort -V | tail -1)
pg_ctlcluster "$PG_VERSION" main start 2>/dev/null || pg_ctlcluster "$PG_VERSION" main status >/dev/null
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
export FLOWCTL_TEST_POSTGRES_URL="postgres://postgres:postgres@127.0.0.1:5432/postgres"
echo "postgres $PG_VERSION ready at $FLOWCTL_TEST_POSTGRES_URL"
