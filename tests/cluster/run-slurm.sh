#!/usr/bin/env bash
# Run the workflow on a real single-node Slurm cluster (Debian's slurm-wlm and munge) with the
# project's Slurm profile (profiles/slurm), then with the generic profile (profiles/generic, sbatch
# as its submit command), each in a temporary copy of the project.
#
# usage: tests/cluster/run-slurm.sh [DISTRICTS]      (default: "harz 15002 11000")
#
# Needs root on a Debian/Ubuntu machine (it installs slurm-wlm and munge with apt-get if they are
# missing, writes /etc/slurm/slurm.conf for this host and starts munged, slurmctld and slurmd).
# It is not part of `make test`: a cluster is a machine-level setup. It prints the Slurm jobs
# (sacct) and checks that every selected district was published by Slurm jobs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DISTRICTS=${1:-"harz 15002 11000"}
SNAKEMAKE="$ROOT/.venv/bin/snakemake"
[ -x "$SNAKEMAKE" ] || { echo "first run: make test (or make report) to create .venv"; exit 2; }
"$ROOT/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements-cluster.txt"

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
fi

# munge: the key and the daemon
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
chown munge:munge /etc/munge/munge.key 2>/dev/null || true
chmod 400 /etc/munge/munge.key
mkdir -p /run/munge && chown munge:munge /run/munge 2>/dev/null || true
pgrep -x munged >/dev/null || su -s /bin/sh munge -c "munged" 2>/dev/null || munged --force

# slurm.conf for this host: one node, one partition "debug"
HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=sozialbericht
SlurmctldHost=$HOST
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
MpiDefault=none
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
pkill -x slurmd 2>/dev/null || true
pkill -x slurmctld 2>/dev/null || true
sleep 1
slurmctld
slurmd
for _ in $(seq 1 30); do
  sinfo -h -o "%T" 2>/dev/null | grep -q "idle" && break
  sleep 1
done
sinfo

WORK=$(mktemp -d /tmp/sozialbericht-slurm-XXXX)
for part in Snakefile rules scripts config notebooks report profiles data; do
  cp -r "$ROOT/$part" "$WORK/"
done
cd "$WORK"
DISTRICT_LIST="[$(printf '"%s",' $DISTRICTS | sed 's/,$//')]"
touch /var/log/slurm/jobcomp.log
SEEN=$(wc -l < /var/log/slurm/jobcomp.log)  # the job log keeps earlier runs: count only this one's
START=$(date +%s)
"$SNAKEMAKE" --workflow-profile profiles/slurm --jobs 4 --config "districts=$DISTRICT_LIST"
END=$(date +%s)
echo "Workflow on Slurm: $((END - START)) s"
echo "Slurm jobs of this run:"
tail -n +"$((SEEN + 1))" /var/log/slurm/jobcomp.log | awk '{print $1, $2, $3, $4, $5, $6}'
n_jobs=$(tail -n +"$((SEEN + 1))" /var/log/slurm/jobcomp.log | grep -c "JobState=COMPLETED" || true)
published=$(find "$WORK/reports" -name sozialbericht.pdf | wc -l)
echo "published reports: $published; completed Slurm jobs: $n_jobs"
[ "$published" -ge "$(echo $DISTRICTS | wc -w)" ] && [ "$n_jobs" -ge 3 ] || { echo "FEHLER: nicht alle Berichte über Slurm veröffentlicht"; exit 1; }
echo "OK (Slurm plugin): $WORK"

# The same workflow through the generic profile (profiles/generic, snakemake-executor-plugin-
# cluster-generic) with sbatch as its submit command, in a fresh copy: every job a Slurm job
# started from a Snakemake job script, completion seen through the markers on the shared disk.
GENERIC=$(mktemp -d /tmp/sozialbericht-generic-XXXX)
for part in Snakefile rules scripts config notebooks report profiles data; do
  cp -r "$ROOT/$part" "$GENERIC/"
done
cd "$GENERIC"
BEFORE=$(grep -c "JobState=COMPLETED" /var/log/slurm/jobcomp.log || true)
START=$(date +%s)
"$SNAKEMAKE" --workflow-profile profiles/generic --jobs 4 --config "districts=$DISTRICT_LIST" \
  --cluster-generic-submit-cmd "mkdir -p results/logs/cluster && sbatch --parsable --job-name=sb-{rule} --cpus-per-task={threads} --mem={resources.mem_mb} --output=results/logs/cluster/%j.log"
END=$(date +%s)
AFTER=$(grep -c "JobState=COMPLETED" /var/log/slurm/jobcomp.log || true)
published=$(find "$GENERIC/reports" -name sozialbericht.pdf | wc -l)
echo "Workflow through the generic profile on Slurm: $((END - START)) s; published reports: $published; completed Slurm jobs: $((AFTER - BEFORE))"
[ "$published" -ge "$(echo $DISTRICTS | wc -w)" ] && [ "$((AFTER - BEFORE))" -ge 3 ] || { echo "FEHLER: nicht alle Berichte über das allgemeine Profil veröffentlicht"; exit 1; }
echo "OK (generic profile): $GENERIC"
