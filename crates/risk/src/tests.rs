//! The classifier, command by command: what a careful SRE would say.

use super::*;
use Risk::*;

/// (command, risk with nothing declared)
const TABLE: &[(&str, Risk)] = &[
    // kubectl and oc
    ("kubectl get pods -n prod", Read),
    ("kubectl -n prod get pods -o wide", Read),
    ("kubectl --context prod-eu --namespace web get deploy", Read),
    ("kubectl describe node ip-10-0-1-2", Read),
    ("kubectl logs -f deploy/api -c app --since=10m", Read),
    ("kubectl logs -p api-7d9f -n prod", Read),
    ("kubectl top nodes", Read),
    ("kubectl get events -A --sort-by=.lastTimestamp", Read),
    ("kubectl get --raw /metrics", Read),
    ("kubectl explain pod.spec", Read),
    ("kubectl auth can-i delete pods", Read),
    ("kubectl config current-context", Read),
    ("kubectl config use-context prod", Change),
    ("kubectl rollout status deploy/api", Read),
    ("kubectl rollout history deploy/api", Read),
    ("kubectl rollout restart deploy/api", Change),
    ("kubectl rollout undo deploy/api --to-revision=3", Change),
    ("kubectl rollout pause deploy/api", Change),
    ("kubectl port-forward svc/prometheus 9090", Read),
    ("kubectl wait --for=condition=Ready pod -l app=api", Read),
    ("kubectl diff -f deploy.yaml", Read),
    ("kubectl apply -f deploy.yaml", Change),
    ("kubectl apply -f deploy.yaml --dry-run=server", Read),
    ("kubectl delete pod api-0 --dry-run=client", Read),
    ("kubectl create namespace debug", Change),
    (
        "kubectl patch deploy api -p '{\"spec\":{\"replicas\":2}}'",
        Change,
    ),
    ("kubectl edit configmap api-config", Change),
    ("kubectl label node n1 disk=ssd", Change),
    ("kubectl annotate pod p1 note=x --overwrite", Change),
    ("kubectl set image deploy/api app=api:1.2.3", Change),
    ("kubectl cordon node-1", Change),
    ("kubectl uncordon node-1", Change),
    ("kubectl taint nodes node-1 key=value:NoSchedule", Change),
    ("kubectl scale deploy api --replicas=3", Change),
    ("kubectl scale statefulset db --replicas=0", Destructive),
    ("kubectl scale --replicas 0 deploy/api", Destructive),
    ("kubectl delete pod api-0", Destructive),
    ("kubectl delete pod -l app=api -n prod", Destructive),
    ("kubectl -n prod delete pvc data-db-0", Destructive),
    (
        "kubectl drain node-1 --ignore-daemonsets --delete-emptydir-data",
        Destructive,
    ),
    ("kubectl replace --force -f pod.yaml", Destructive),
    ("kubectl debug node/node-1 -it --image=busybox", Change),
    ("kubectl cp prod/api-0:/tmp/heap.hprof ./heap.hprof", Change),
    ("kubectl run tmp --rm -it --image=busybox -- sh", Change),
    ("kubectl exec api-0 -- env", Read),
    ("kubectl exec -it api-0 -- sh", Change),
    ("kubectl exec -it api-0 -- /bin/bash", Change),
    (
        "kubectl exec -n prod api-0 -c app -- cat /etc/config.yaml",
        Read,
    ),
    ("kubectl exec api-0 -- rm -rf /tmp/cache", Destructive),
    (
        "kubectl exec -n db pg-0 -- psql -U postgres -c 'SELECT 1'",
        Read,
    ),
    (
        "kubectl exec -n db pg-0 -- psql -U postgres -c 'DROP TABLE jobs'",
        Destructive,
    ),
    ("kubectl exec redis-0 -- redis-cli FLUSHALL", Destructive),
    ("kubectl exec redis-0 -- redis-cli INFO memory", Read),
    (
        "kubectl exec -n monitoring prometheus-k8s-0 -c prometheus -- df -h /prometheus",
        Read,
    ),
    ("kubectl exec api-0 -- sh -c 'kill 1'", Change),
    ("kubectl certificate approve csr-abc", Change),
    ("kubectl expose deploy api --port 80", Change),
    ("kubectl argo rollouts abort api", Change),
    ("kubectl", Read),
    ("oc get pods -n openshift-monitoring", Read),
    ("oc get clusterversion", Read),
    ("oc get co", Read),
    ("oc describe co/monitoring", Read),
    ("oc whoami", Read),
    ("oc project openshift-etcd", Change),
    ("oc projects", Read),
    ("oc logs -n openshift-etcd etcd-master-0 -c etcd", Read),
    ("oc adm top nodes", Read),
    ("oc adm top pods -n openshift-monitoring", Read),
    ("oc adm node-logs master-0 -u kubelet", Read),
    ("oc adm inspect clusteroperator/etcd", Read),
    (
        "oc adm drain worker-1 --ignore-daemonsets --delete-emptydir-data",
        Destructive,
    ),
    ("oc adm cordon worker-1", Change),
    ("oc adm uncordon worker-1", Change),
    ("oc adm upgrade", Read),
    ("oc adm upgrade --to-latest", Change),
    ("oc adm must-gather", Change),
    ("oc adm certificate approve csr-xyz", Change),
    ("oc adm policy add-role-to-user view alice", Change),
    ("oc adm policy who-can delete pods", Read),
    ("oc adm prune images --confirm", Destructive),
    ("oc adm release info", Read),
    (
        "oc delete pod -n openshift-monitoring prometheus-k8s-0",
        Destructive,
    ),
    (
        "oc rsh -n openshift-etcd etcd-master-0 etcdctl endpoint health",
        Read,
    ),
    ("oc rsh -n openshift-etcd etcd-master-0", Change),
    (
        "oc exec -n openshift-etcd etcd-0 -- etcdctl member list",
        Read,
    ),
    (
        "oc exec -n openshift-etcd etcd-0 -- etcdctl member remove 8e9e05c52164694d",
        Destructive,
    ),
    ("oc debug node/master-0", Change),
    (
        "oc patch clusterversion version --type merge -p '{\"spec\":{\"channel\":\"stable-4.14\"}}'",
        Change,
    ),
    (
        "oc scale deploy/cluster-monitoring-operator --replicas=0 -n openshift-monitoring",
        Destructive,
    ),
    ("oc image info quay.io/x/y:1", Read),
    // helm
    ("helm list -A", Read),
    ("helm ls -n prod", Read),
    ("helm status api -n prod", Read),
    ("helm history api", Read),
    ("helm get values api -n prod", Read),
    ("helm show chart bitnami/redis", Read),
    ("helm template api ./chart", Read),
    ("helm diff upgrade api ./chart", Read),
    ("helm repo list", Read),
    (
        "helm repo add bitnami https://charts.bitnami.com/bitnami",
        Change,
    ),
    ("helm repo update", Change),
    ("helm upgrade api ./chart -n prod --reuse-values", Change),
    ("helm upgrade --install api ./chart -f values.yaml", Change),
    ("helm upgrade api ./chart --dry-run", Read),
    ("helm rollback api 3 -n prod", Change),
    ("helm uninstall api -n prod", Destructive),
    ("helm delete api --purge", Destructive),
    ("helm -n prod uninstall api", Destructive),
    ("helm test api", Change),
    // curl, wget, httpie
    ("curl https://api.example.com/health", Read),
    ("curl -s http://localhost:9090/api/v1/alerts | jq .", Read),
    ("curl -sS -o /dev/null -w '%{http_code}' https://x", Read),
    ("curl -I https://example.com", Read),
    ("curl --head https://example.com", Read),
    ("curl -XGET localhost:9200/_cat/indices?v", Read),
    ("curl -XDELETE localhost:9200/logs-2024.01.01", Destructive),
    ("curl -X DELETE http://es:9200/index", Destructive),
    ("curl -sXDELETE es:9200/old-index", Destructive),
    ("curl --request DELETE https://api/x/1", Destructive),
    ("curl --request=DELETE https://api/x/1", Destructive),
    ("curl -XPOST localhost:9200/index/_close", Change),
    (
        "curl -X POST localhost:9200/index/_forcemerge?max_num_segments=1",
        Change,
    ),
    (
        "curl -XPOST 'localhost:9200/logs/_delete_by_query' -d '{\"query\":{}}'",
        Destructive,
    ),
    (
        "curl -X POST http://localhost:9200/logs/_search -d '{}'",
        Read,
    ),
    (
        "curl -XPUT localhost:9200/_cluster/settings -d '{\"transient\":{}}'",
        Change,
    ),
    ("curl -X PATCH https://api/x", Change),
    ("curl -d 'a=1' https://api/x", Change),
    ("curl --data '{\"x\":1}' https://api/x", Change),
    ("curl --data-raw 'x' https://api/x", Change),
    ("curl --data-binary @payload.json https://api/x", Change),
    ("curl --json '{\"x\":1}' https://api/x", Change),
    ("curl -F file=@a.txt https://api/upload", Change),
    ("curl -T backup.tar https://store/backup.tar", Change),
    (
        "curl -G -d 'query=up' http://prometheus:9090/api/v1/query",
        Read,
    ),
    (
        "curl -s -X POST http://prometheus:9090/api/v1/query --data-urlencode 'query=up'",
        Read,
    ),
    (
        "curl -X POST http://prometheus:9090/api/v1/admin/tsdb/delete_series?match[]=up",
        Destructive,
    ),
    (
        "curl -X POST http://alertmanager:9093/api/v2/silences -d @silence.json",
        Change,
    ),
    (
        "curl -H 'Content-Type: application/json' https://api/x",
        Read,
    ),
    ("curl -H 'X-Request: DELETE' https://api/x", Read),
    ("curl -u admin:secret https://api/x", Read),
    (
        "curl -o kubectl https://dl.k8s.io/release/v1.29.0/bin/linux/amd64/kubectl",
        Change,
    ),
    ("curl -LO https://example.com/tool.tgz", Change),
    ("curl -sk https://10.0.0.1:6443/healthz", Read),
    ("wget -qO- http://localhost:8080/metrics", Read),
    ("wget -O - http://localhost:8080/metrics", Read),
    ("wget --spider http://x", Read),
    ("wget https://example.com/tool.tgz", Change),
    ("wget --method=DELETE http://api/x", Destructive),
    ("wget --method DELETE -qO- http://api/x", Destructive),
    ("wget --post-data 'a=1' -qO- http://api/x", Change),
    ("wget -qO- --post-file=body.json http://api/x", Change),
    ("http GET https://api/x", Read),
    ("http https://api/x", Read),
    ("http DELETE https://api/x/1", Destructive),
    ("http POST https://api/x name=a", Change),
    ("http https://api/x name=a", Change),
    // databases and caches
    ("redis-cli ping", Read),
    ("redis-cli -h redis -p 6379 INFO replication", Read),
    ("redis-cli --bigkeys", Read),
    ("redis-cli -n 2 KEYS 'session:*'", Read),
    ("redis-cli GET foo", Read),
    ("redis-cli CONFIG GET maxmemory", Read),
    ("redis-cli CONFIG SET maxmemory 2gb", Change),
    ("redis-cli SLOWLOG GET 10", Read),
    ("redis-cli SLOWLOG RESET", Change),
    ("redis-cli CLIENT LIST", Read),
    ("redis-cli CLIENT KILL TYPE normal", Change),
    ("redis-cli SET feature:x on", Change),
    ("redis-cli EXPIRE k 60", Change),
    ("redis-cli DEL session:123", Destructive),
    ("redis-cli -a secret FLUSHALL", Destructive),
    ("redis-cli flushdb", Destructive),
    ("redis-cli SHUTDOWN NOSAVE", Destructive),
    ("redis-cli CLUSTER INFO", Read),
    ("redis-cli CLUSTER FAILOVER", Change),
    ("redis-cli CLUSTER RESET HARD", Destructive),
    ("redis-cli --cluster check 10.0.0.1:6379", Read),
    ("redis-cli --cluster fix 10.0.0.1:6379", Change),
    ("redis-cli", Change),
    ("redis-cli -h redis BGSAVE", Change),
    ("redis-cli REPLICAOF NO ONE", Change),
    (
        "redis-cli --scan --pattern 'tmp:*' | xargs redis-cli DEL",
        Destructive,
    ),
    ("redis-cli MEMORY USAGE bigkey", Read),
    ("redis-cli <<< 'FLUSHALL'", Destructive),
    ("psql -c 'SELECT now()'", Read),
    (
        "psql -h db -U app -d app -c \"SELECT count(*) FROM jobs WHERE state = 'stuck'\"",
        Read,
    ),
    (
        "psql -c \"SELECT pid, query FROM pg_stat_activity WHERE query LIKE '%DELETE%'\"",
        Read,
    ),
    ("psql -c 'SELECT pg_terminate_backend(12345)'", Change),
    (
        "psql -c 'SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE state = $$idle$$'",
        Change,
    ),
    (
        "psql -c \"UPDATE jobs SET state = 'queued' WHERE id = 7\"",
        Change,
    ),
    ("psql -c 'INSERT INTO flags VALUES (1)'", Change),
    ("psql -c 'DELETE FROM sessions'", Destructive),
    ("psql -c 'TRUNCATE audit_log'", Destructive),
    ("psql -c 'DROP INDEX idx_a'", Destructive),
    ("psql -c 'ALTER TABLE jobs ADD COLUMN x int'", Change),
    ("psql -c 'VACUUM ANALYZE jobs'", Change),
    ("psql -c 'REINDEX INDEX idx_jobs'", Change),
    ("psql -c 'CREATE INDEX CONCURRENTLY idx ON t (a)'", Change),
    ("psql -c '\\dt+'", Read),
    ("psql -c 'SHOW max_connections'", Read),
    ("psql -c 'EXPLAIN SELECT 1'", Read),
    ("psql --command='SELECT 1'", Read),
    ("psql -f fix.sql", Change),
    ("psql -l", Read),
    ("psql -h db -U app", Change),
    ("psql app < restore.sql", Destructive),
    ("psql -U app <<EOF\nSELECT count(*) FROM jobs;\nEOF", Read),
    (
        "psql -U app <<'SQL'\nUPDATE jobs SET state='queued';\nSQL",
        Change,
    ),
    (
        "psql -U app <<-EOF\n\tDELETE FROM jobs WHERE id=1;\n\tEOF",
        Destructive,
    ),
    (
        "sudo -u postgres psql -c 'SELECT * FROM pg_stat_replication'",
        Read,
    ),
    ("sudo -u postgres psql -c 'SELECT pg_promote()'", Change),
    ("mysql -e 'SHOW PROCESSLIST'", Read),
    ("mysql -u root -p -e 'SHOW SLAVE STATUS\\G'", Read),
    ("mysql -Nse 'SELECT 1'", Read),
    ("mysql -e 'KILL 123'", Change),
    ("mysql -e 'STOP SLAVE; START SLAVE;'", Change),
    (
        "mysql -e 'DELETE FROM sessions WHERE created < NOW()'",
        Destructive,
    ),
    ("mysql --execute='DROP DATABASE old'", Destructive),
    ("mysql app < dump.sql", Destructive),
    ("mysql -u root app", Change),
    (
        "mysql <<EOF\nSET GLOBAL max_connections = 500;\nEOF",
        Change,
    ),
    ("mysqladmin processlist", Read),
    ("mysqladmin -u root shutdown", Destructive),
    ("mongosh --eval 'db.serverStatus()'", Read),
    ("mongosh --eval 'db.sessions.deleteMany({})'", Destructive),
    ("mongo --eval 'rs.stepDown()'", Change),
    ("sqlite3 app.db 'SELECT count(*) FROM t'", Read),
    ("sqlite3 app.db 'DELETE FROM t'", Destructive),
    ("clickhouse-client --query 'SELECT 1'", Read),
    (
        "clickhouse-client --query 'ALTER TABLE t DELETE WHERE 1'",
        Destructive,
    ),
    ("pg_dump app > /backup/app.sql", Change),
    ("pg_dump -Fc app -f /backup/app.dump", Read),
    ("pg_restore -d app /backup/app.dump", Destructive),
    ("pg_isready -h db", Read),
    ("patronictl list", Read),
    ("patronictl failover --force", Change),
    ("patronictl reinit cluster member-1", Destructive),
    // cloud CLIs
    ("aws sts get-caller-identity", Read),
    (
        "aws ec2 describe-instances --filters Name=tag:app,Values=api",
        Read,
    ),
    ("aws --region us-east-1 rds describe-db-clusters", Read),
    ("aws logs tail /aws/lambda/x --follow", Read),
    (
        "aws cloudwatch get-metric-statistics --namespace AWS/EC2",
        Read,
    ),
    ("aws s3 ls s3://bucket/prefix/", Read),
    ("aws s3 cp s3://bucket/a ./a", Change),
    ("aws s3 sync ./dir s3://bucket/dir", Change),
    ("aws s3 sync ./dir s3://bucket/dir --delete", Destructive),
    ("aws s3 rm s3://bucket/a --recursive", Destructive),
    ("aws s3 rb s3://bucket --force", Destructive),
    ("aws ec2 stop-instances --instance-ids i-1", Change),
    ("aws ec2 reboot-instances --instance-ids i-1", Change),
    (
        "aws ec2 terminate-instances --instance-ids i-1",
        Destructive,
    ),
    (
        "aws ec2 terminate-instances --instance-ids i-1 --dry-run",
        Read,
    ),
    (
        "aws autoscaling set-desired-capacity --auto-scaling-group-name asg --desired-capacity 5",
        Change,
    ),
    (
        "aws rds reboot-db-instance --db-instance-identifier db",
        Change,
    ),
    (
        "aws rds failover-db-cluster --db-cluster-identifier db",
        Destructive,
    ),
    (
        "aws rds delete-db-instance --db-instance-identifier db",
        Destructive,
    ),
    ("aws dynamodb scan --table-name t", Read),
    (
        "aws dynamodb delete-item --table-name t --key '{}'",
        Destructive,
    ),
    ("aws sqs purge-queue --queue-url https://q", Destructive),
    (
        "aws ecs update-service --cluster c --service s --force-new-deployment",
        Change,
    ),
    ("aws eks update-kubeconfig --name prod", Change),
    (
        "aws route53 change-resource-record-sets --hosted-zone-id Z --change-batch file://c.json",
        Change,
    ),
    ("aws iam list-roles", Read),
    ("gcloud compute instances list", Read),
    (
        "gcloud compute instances describe vm-1 --zone us-central1-a",
        Read,
    ),
    (
        "gcloud container clusters get-credentials prod --region europe-west1",
        Change,
    ),
    (
        "gcloud compute instances stop vm-1 --zone europe-west1-b",
        Change,
    ),
    (
        "gcloud compute instances delete vm-1 --zone europe-west1-b --quiet",
        Destructive,
    ),
    ("gcloud sql instances failover db-1", Destructive),
    (
        "gcloud sql backups restore 123 --restore-instance db-1",
        Destructive,
    ),
    ("gcloud logging read 'severity>=ERROR' --limit 50", Read),
    ("gcloud config set project prod", Change),
    ("gcloud config list", Read),
    (
        "gcloud container clusters resize prod --node-pool pool-1 --num-nodes 0",
        Destructive,
    ),
    (
        "gcloud container clusters resize prod --node-pool pool-1 --num-nodes 5",
        Change,
    ),
    (
        "gcloud pubsub subscriptions seek sub --time 2024-01-01T00:00:00Z",
        Change,
    ),
    ("az vm list -o table", Read),
    ("az account show", Read),
    ("az aks get-credentials -g rg -n prod", Change),
    ("az vm restart -g rg -n vm1", Change),
    ("az vm delete -g rg -n vm1 --yes", Destructive),
    ("az monitor metrics list --resource x", Read),
    ("az keyvault secret show --vault-name kv --name s", Read),
    ("az webapp restart -g rg -n app", Change),
    ("az sql db delete -g rg -s srv -n db", Destructive),
    // systemd and system
    ("systemctl status nginx", Read),
    ("systemctl --failed", Read),
    ("systemctl list-units --state=failed", Read),
    ("systemctl is-active kubelet", Read),
    ("systemctl cat kubelet", Read),
    ("systemctl restart kubelet", Change),
    ("systemctl stop nginx", Change),
    ("systemctl daemon-reload", Change),
    ("systemctl enable --now chronyd", Change),
    ("systemctl reboot", Destructive),
    ("sudo systemctl restart docker", Change),
    ("service nginx status", Read),
    ("service nginx restart", Change),
    ("journalctl -u kubelet --since '10 min ago'", Read),
    ("journalctl -xe", Read),
    ("journalctl --vacuum-time=2d", Destructive),
    ("journalctl --rotate", Change),
    ("reboot", Destructive),
    ("sudo shutdown -r now", Destructive),
    ("supervisorctl status", Read),
    ("supervisorctl restart worker:*", Change),
    ("sudo supervisorctl stop all", Change),
    ("apt-get install -y jq", Change),
    ("sudo apt-get update", Change),
    ("apt-get remove -y nginx", Destructive),
    ("apt list --installed", Read),
    ("yum install -y htop", Change),
    ("dpkg -l | grep nginx", Read),
    ("rpm -qa | grep kernel", Read),
    ("growpart /dev/nvme0n1 1", Change),
    ("resize2fs /dev/nvme0n1p1", Change),
    ("xfs_growfs /", Change),
    ("sysctl net.core.somaxconn", Read),
    ("sysctl -w vm.max_map_count=262144", Change),
    ("mount", Read),
    ("mount -o remount,rw /", Change),
    ("crontab -l", Read),
    ("crontab -r", Destructive),
    ("iptables -L -n -v", Read),
    ("iptables -nvL", Read),
    ("iptables -A INPUT -s 1.2.3.4 -j DROP", Change),
    ("iptables -F", Change),
    ("ip addr show", Read),
    ("ip route", Read),
    ("ip link set eth0 down", Change),
    ("ip route add 10.0.0.0/8 via 10.1.1.1", Change),
    ("ss -tlnp", Read),
    ("netstat -anp | grep 5432", Read),
    ("lsof -p 1234", Read),
    ("dig +short api.example.com", Read),
    ("nslookup kubernetes.default", Read),
    ("ping -c 3 10.0.0.1", Read),
    ("traceroute 8.8.8.8", Read),
    ("nc -zv db 5432", Read),
    (
        "openssl s_client -connect api:443 -servername api </dev/null",
        Read,
    ),
    ("openssl x509 -in cert.pem -noout -dates", Read),
    ("tcpdump -i any port 53 -c 100", Read),
    ("kill -9 1234", Change),
    ("pkill -f celery", Change),
    ("killall -HUP nginx", Change),
    ("nginx -t", Read),
    ("nginx -s reload", Change),
    // docker and CRI
    ("docker ps -a", Read),
    ("docker logs --tail 100 api", Read),
    ("docker inspect api", Read),
    ("docker stats --no-stream", Read),
    ("docker system df", Read),
    ("docker image ls", Read),
    ("docker restart api", Change),
    ("docker stop api", Change),
    ("docker run --rm -it busybox sh", Change),
    ("docker pull nginx:1.25", Change),
    ("docker rm -f api", Destructive),
    ("docker rmi nginx:old", Destructive),
    ("docker kill api", Destructive),
    ("docker system prune -af", Destructive),
    ("docker volume prune", Destructive),
    ("docker container rm api", Destructive),
    ("docker exec api env", Read),
    ("docker exec -it api sh", Change),
    (
        "docker exec db psql -U postgres -c 'DELETE FROM t'",
        Destructive,
    ),
    ("docker compose ps", Read),
    ("docker compose logs -f api", Read),
    ("docker compose up -d", Change),
    ("docker compose restart api", Change),
    ("docker compose down -v", Destructive),
    ("docker-compose -f prod.yml down", Destructive),
    ("docker-compose exec api cat /app/config.yml", Read),
    ("crictl ps -a", Read),
    ("crictl pods", Read),
    ("crictl logs 3f2a", Read),
    ("crictl inspect 3f2a", Read),
    ("crictl images", Read),
    ("crictl rmi --prune", Destructive),
    ("crictl rm 3f2a", Destructive),
    ("crictl rmp -f 3f2a", Destructive),
    ("crictl stopp 3f2a", Change),
    ("crictl exec -it 3f2a sh", Change),
    ("crictl exec 3f2a ls /", Read),
    ("podman ps", Read),
    ("podman rm -f x", Destructive),
    ("ctr -n k8s.io containers list", Read),
    ("ctr -n k8s.io images rm x", Destructive),
    // files
    ("rm -rf /var/lib/app/cache", Destructive),
    ("rm /tmp/lock", Destructive),
    ("sudo rm -f /var/run/app.pid", Destructive),
    ("mv /etc/app.conf /etc/app.conf.bak", Change),
    ("cp /etc/app.conf /tmp/", Change),
    ("dd if=/dev/zero of=/dev/sdb bs=1M", Destructive),
    ("dd if=/dev/sda bs=512 count=1 | xxd", Read),
    ("truncate -s 0 /var/log/app.log", Destructive),
    ("> /var/log/app.log", Destructive),
    (": > /var/log/app.log", Destructive),
    ("sed -i 's/a/b/' /etc/app.conf", Change),
    ("sed -i.bak 's/a/b/' /etc/app.conf", Change),
    ("sed -ri 's/a/b/' /etc/app.conf", Change),
    ("sed --in-place 's/a/b/' f", Change),
    ("sed -n '1,10p' /var/log/app.log", Read),
    ("sed 's/a/b/' f | sort", Read),
    ("echo 'x' | tee /etc/app.conf", Change),
    ("echo 'x' | sudo tee -a /etc/hosts", Change),
    ("kubectl get pods | tee /dev/stderr", Read),
    ("echo 1 > /proc/sys/vm/drop_caches", Change),
    ("kubectl get pods -o yaml > pods.yaml", Change),
    ("kubectl get pods -A 2>/dev/null", Read),
    ("kubectl get pods -A > /dev/null 2>&1", Read),
    ("kubectl logs api-0 &> api.log", Change),
    ("cat <<EOF > /etc/app.conf\nkey: value\nEOF", Change),
    (
        "cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: ConfigMap\nEOF",
        Change,
    ),
    (
        "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Namespace\nEOF",
        Change,
    ),
    ("find /var/log -name '*.gz' -mtime +7", Read),
    ("find /var/log -name '*.gz' -mtime +7 -delete", Destructive),
    ("find /tmp -type f -exec rm {} \\;", Destructive),
    ("find /etc -name '*.conf' -exec grep -l listen {} +", Read),
    ("chmod 600 /etc/app/key.pem", Change),
    ("chown -R app:app /var/lib/app", Change),
    ("mkdir -p /backup/today", Change),
    ("ln -sf /opt/app-1.2 /opt/app", Change),
    ("rsync -av /a/ /b/", Change),
    ("rsync -av --delete /a/ /b/", Destructive),
    ("rsync -avn /a/ /b/", Read),
    ("tar czf /backup/etc.tgz /etc", Change),
    ("tar tzf backup.tgz", Read),
    ("tar xzf backup.tgz -C /", Change),
    ("yq -i '.replicas = 2' values.yaml", Change),
    ("yq '.replicas' values.yaml", Read),
    ("du -sh /var/lib/docker/* | sort -h", Read),
    ("df -h", Read),
    ("df -i /var", Read),
    ("ls -la /var/log", Read),
    ("tail -n 200 /var/log/syslog", Read),
    ("grep -i error /var/log/app.log | tail -20", Read),
    (
        "awk '{print $1}' access.log | sort | uniq -c | sort -rn | head",
        Read,
    ),
    ("cat /etc/os-release", Read),
    ("free -m", Read),
    ("uptime", Read),
    ("top -b -n 1 | head -20", Read),
    ("ps aux --sort=-%mem | head", Read),
    ("dmesg -T | tail", Read),
    ("vmstat 1 5", Read),
    ("iostat -xz 1 3", Read),
    // wrappers
    ("sudo kubectl delete pod x", Destructive),
    ("sudo -E -u app kubectl get pods", Read),
    ("sudo -i", Change),
    // A command after `-i` or `-s` is what runs (in root's shell).
    ("sudo -i cat /var/log/syslog", Read),
    ("sudo -s systemctl restart kubelet", Change),
    ("env FOO=1 kubectl delete pod x", Destructive),
    ("env -i PATH=/bin kubectl get pods", Read),
    ("FOO=1 BAR=2 kubectl delete pod x", Destructive),
    ("KUBECONFIG=/etc/kube/admin.conf kubectl get nodes", Read),
    ("watch kubectl get pods", Read),
    ("watch -n 5 kubectl delete pod x", Destructive),
    ("watch -n1 'kubectl get pods | grep -v Running'", Read),
    ("watch 'redis-cli FLUSHALL'", Destructive),
    ("timeout 30 kubectl delete pod x", Destructive),
    ("timeout -s KILL 10s kubectl get pods", Read),
    (
        "timeout --signal=TERM 5 curl -XDELETE es:9200/x",
        Destructive,
    ),
    ("nice -n 19 rm -rf /data/tmp", Destructive),
    ("nice tar czf /backup/a.tgz /data", Change),
    ("ionice -c3 rm -rf /var/cache/x", Destructive),
    ("nohup kubectl port-forward svc/x 8080 &", Read),
    ("time kubectl get pods", Read),
    (
        "kubectl get pods -o name | xargs kubectl delete",
        Destructive,
    ),
    (
        "kubectl get pods -o name | xargs -I{} kubectl describe {}",
        Read,
    ),
    ("cat ids.txt | xargs -n1 -P4 curl -XDELETE", Destructive),
    ("ssh bastion kubectl get pods", Read),
    (
        "ssh -i key.pem ubuntu@10.0.0.5 'sudo systemctl restart nginx'",
        Change,
    ),
    (
        "ssh -o StrictHostKeyChecking=no node-1 sudo rm -rf /var/lib/kubelet/pods/x",
        Destructive,
    ),
    ("ssh node-1", Change),
    (
        "ssh node-1 <<'EOF'\nsudo systemctl restart kubelet\nEOF",
        Change,
    ),
    ("sh -c 'kubectl delete pod x'", Destructive),
    ("bash -c \"kubectl get pods\"", Read),
    ("bash -ec 'rm -rf /tmp/x'", Destructive),
    // Options before `-c`, apart.
    ("bash -e -c 'rm -rf /tmp/x'", Destructive),
    ("sh -x -c 'kubectl get pods'", Read),
    // What the remote shell reads from a here-document.
    ("ssh node-1 <<'EOF'\nuptime\nEOF", Read),
    // `watch -x` runs its words as they are; without it `sh -c` reads
    // them joined.
    ("watch -x echo 'a; rm -rf /tmp/x'", Read),
    ("watch echo 'a; rm -rf /tmp/x'", Destructive),
    ("bash", Change),
    ("bash fix.sh", Change),
    ("sh -s <<EOF\nkubectl get pods\nEOF", Read),
    ("eval \"kubectl delete pod x\"", Destructive),
    ("su - postgres -c 'psql -c \"DROP TABLE t\"'", Destructive),
    ("flock /tmp/lock -c 'rm -f /tmp/x'", Destructive),
    ("stdbuf -oL kubectl logs -f x", Read),
    // substitutions and lists
    (
        "kubectl delete pod $(kubectl get pods -o name | head -1)",
        Destructive,
    ),
    ("echo $(redis-cli FLUSHALL)", Destructive),
    ("echo `rm -rf /tmp/x`", Destructive),
    ("kubectl get pods && kubectl delete pod x", Destructive),
    ("kubectl get pods || true", Read),
    ("kubectl get pods; kubectl get svc", Read),
    (
        "for p in $(kubectl get pods -o name); do kubectl delete $p; done",
        Destructive,
    ),
    ("for p in a b; do echo $p; done", Read),
    ("while true; do kubectl get pods; sleep 5; done", Read),
    (
        "if kubectl get ns x; then kubectl delete ns x; fi",
        Destructive,
    ),
    (
        "diff <(kubectl get cm a -o yaml) <(kubectl get cm b -o yaml)",
        Read,
    ),
    ("export NS=prod", Read),
    ("export KUBECONFIG=~/.kube/prod && kubectl get nodes", Read),
    ("cd /var/log && ls", Read),
    ("POD=$(kubectl get pods -l app=api -o name | head -1)", Read),
    // tools with sub-commands
    ("git log --oneline -5", Read),
    ("git status", Read),
    ("git pull", Change),
    ("git checkout v1.2.3", Change),
    ("git reset --hard origin/main", Destructive),
    ("git push --force origin main", Destructive),
    ("git branch -a", Read),
    ("terraform plan", Read),
    ("terraform apply -auto-approve", Change),
    ("terraform destroy", Destructive),
    ("terraform state list", Read),
    ("terraform state rm aws_instance.x", Destructive),
    ("vault status", Read),
    ("vault kv get secret/app", Read),
    ("vault kv put secret/app key=value", Change),
    ("vault kv delete secret/app", Destructive),
    ("vault operator raft list-peers", Read),
    ("etcdctl endpoint health --cluster", Read),
    (
        "ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 member list -w table",
        Read,
    ),
    ("etcdctl endpoint status -w table", Read),
    ("etcdctl defrag --cluster", Change),
    ("etcdctl alarm disarm", Change),
    ("etcdctl alarm list", Read),
    ("etcdctl snapshot save /backup/etcd.db", Change),
    ("etcdctl snapshot restore /backup/etcd.db", Destructive),
    ("etcdctl del /registry/pods/x", Destructive),
    ("etcdctl compact 12345", Change),
    ("consul members", Read),
    ("consul kv get app/config", Read),
    ("consul kv delete app/config", Destructive),
    ("nomad job status api", Read),
    ("nomad job stop api", Change),
    ("nomad node drain -enable node-1", Destructive),
    ("argocd app get api", Read),
    ("argocd app diff api", Read),
    ("argocd app sync api", Change),
    ("argocd app rollback api 3", Change),
    ("argocd app delete api", Destructive),
    ("flux get kustomizations -A", Read),
    ("flux reconcile kustomization apps --with-source", Change),
    ("flux suspend hr api", Change),
    ("istioctl proxy-status", Read),
    ("istioctl analyze -n prod", Read),
    ("amtool alert query alertname=HighLatency", Read),
    (
        "amtool silence add alertname=HighLatency --duration=2h --comment=incident",
        Change,
    ),
    ("amtool silence query", Read),
    ("amtool silence expire 1234", Change),
    ("promtool query instant http://prometheus:9090 up", Read),
    ("promtool check rules rules.yaml", Read),
    ("kubectx", Read),
    ("kubectx prod", Change),
    ("kubens monitoring", Change),
    ("stern -n prod api", Read),
    ("velero backup get", Read),
    ("velero backup create pre-upgrade", Change),
    ("velero restore create --from-backup pre-upgrade", Change),
    ("kafka-topics.sh --bootstrap-server k:9092 --list", Read),
    (
        "kafka-topics.sh --bootstrap-server k:9092 --delete --topic t",
        Destructive,
    ),
    (
        "kafka-consumer-groups.sh --bootstrap-server k:9092 --describe --group g",
        Read,
    ),
    (
        "kafka-consumer-groups.sh --bootstrap-server k:9092 --group g --reset-offsets --to-latest --topic t --execute",
        Change,
    ),
    ("rabbitmqctl list_queues name messages", Read),
    ("rabbitmqctl purge_queue q", Destructive),
    ("rabbitmqctl stop_app", Change),
    ("nodetool status", Read),
    ("nodetool repair -pr", Change),
    ("nodetool decommission", Destructive),
    ("gsutil ls gs://bucket", Read),
    ("gsutil -m rm -r gs://bucket/tmp", Destructive),
    ("gsutil cp a gs://bucket/a", Change),
    ("ansible all -m ping --check", Read),
    ("ansible-playbook site.yml", Change),
    // unknown programs are change, never read
    ("zkp-ledger health-check --verbose", Change),
    ("./scripts/failover.sh prod", Change),
    ("/opt/app/bin/app-ctl restart", Change),
    ("python3 fix_queue.py --apply", Change),
    ("node scripts/reindex.js", Change),
    ("kafka-log-cleaner --now", Change),
    ("source ./env.sh", Change),
    ("make deploy", Change),
    ("npx prisma migrate deploy", Change),
    ("", Read),
    // Disks, firewalls, network and host tools: each way a rule reads.
    ("fdisk -l", Read),
    ("fdisk --list /dev/nvme0n1", Read),
    ("parted /dev/sdb print", Read),
    ("parted /dev/sdb mklabel gpt", Destructive),
    ("gdisk /dev/sdb", Destructive),
    ("perl -pi -e 's/debug/info/' /etc/app/app.conf", Change),
    ("iptables-save", Read),
    ("ip6tables-save -t nat", Read),
    ("iptables-restore < /etc/iptables/rules.v4", Change),
    ("nft list ruleset", Read),
    ("nft add rule inet filter input tcp dport 22 drop", Change),
    ("nft -f /etc/nftables.conf", Change),
    ("ufw status verbose", Read),
    ("ufw deny 22/tcp", Change),
    ("firewall-cmd --list-all", Read),
    ("firewall-cmd --get-active-zones", Read),
    ("firewall-cmd --query-port=443/tcp", Read),
    ("firewall-cmd --state", Read),
    ("firewall-cmd --zone=public --list-ports", Read),
    ("firewall-cmd --permanent --list-services", Read),
    ("firewall-cmd --add-port=8080/tcp", Change),
    ("ip netns exec blue kubectl get pods", Read),
    ("ip netns exec blue ip link set eth0 down", Change),
    ("ip -n blue addr flush dev eth0", Change),
    ("tc qdisc show dev eth0", Read),
    ("tc qdisc add dev eth0 root netem delay 100ms", Change),
    ("tc qdisc del dev eth0 root", Change),
    ("conntrack -L", Read),
    ("conntrack -D -s 10.0.0.5", Change),
    ("conntrack --delete -s 10.0.0.5", Change),
    ("conntrack --flush", Change),
    ("ethtool eth0", Read),
    ("ethtool -S eth0", Read),
    ("ethtool -s eth0 speed 1000 duplex full", Change),
    ("ethtool --set-ring eth0 rx 4096", Change),
    ("ethtool --change eth0 autoneg off", Change),
    ("sysctl -a", Read),
    ("sysctl -p", Change),
    ("sysctl --system", Change),
    ("sysctl net.core.somaxconn=4096", Change),
    ("hostnamectl", Read),
    ("timedatectl status", Read),
    ("nmcli device status", Read),
    ("nmcli connection down eth0", Change),
    ("hostnamectl set-hostname web-1", Change),
    ("certbot certificates", Read),
    ("certbot delete --cert-name example.com", Destructive),
    ("certbot renew", Change),
    // Mesh, deploy and messaging tools.
    ("linkerd check", Read),
    ("linkerd -n prod viz stat deploy", Read),
    ("linkerd uninstall", Destructive),
    ("linkerd upgrade", Change),
    ("kustomize build overlays/prod", Read),
    ("kustomize edit set image api=api:1.2", Change),
    ("helmfile -e prod diff", Read),
    ("helmfile -f helmfile.yaml destroy", Destructive),
    ("helmfile -e prod apply", Change),
    (
        "kafka-topics.sh --bootstrap-server k:9092 --describe --topic t",
        Read,
    ),
    (
        "kafka-configs.sh --bootstrap-server k:9092 --alter --entity-type topics --entity-name t --add-config retention.ms=1000",
        Change,
    ),
    (
        "kafka-configs.sh --bootstrap-server k:9092 --alter --entity-type topics --entity-name t --remove --delete-config retention.ms",
        Destructive,
    ),
    (
        "kafka-acls.sh --bootstrap-server k:9092 --remove --allow-principal User:x --topic t",
        Destructive,
    ),
    (
        "kafka-consumer-groups.sh --bootstrap-server k:9092 --delete-offsets --group g --topic t",
        Destructive,
    ),
    (
        "kafka-consumer-groups.sh --bootstrap-server k:9092 --group g --reset-offsets --to-latest --topic t --dry-run",
        Read,
    ),
    (
        "kafka-console-consumer.sh --bootstrap-server k:9092 --topic t --from-beginning",
        Read,
    ),
    (
        "kafka-log-dirs.sh --bootstrap-server k:9092 --describe",
        Read,
    ),
    (
        "kafka-console-producer.sh --bootstrap-server k:9092 --topic t",
        Change,
    ),
    (
        "kafka-leader-election.sh --bootstrap-server k:9092 --election-type preferred --all-topic-partitions",
        Change,
    ),
    ("kcat -b k:9092 -t t -C -c 10", Read),
    ("kcat -b k:9092 -t t -P", Change),
    ("kafkacat -b k:9092 -L", Read),
    // Packages.
    ("apt-cache policy nginx", Read),
    ("dpkg-query -W nginx", Read),
    ("dpkg -r nginx", Destructive),
    ("dpkg -P nginx", Destructive),
    ("dpkg --remove nginx", Destructive),
    ("dpkg --purge nginx", Destructive),
    ("dpkg -i /tmp/app.deb", Change),
    ("dpkg --install /tmp/app.deb", Change),
    ("dpkg --configure -a", Change),
    ("rpm -e nginx", Destructive),
    ("rpm --erase nginx", Destructive),
    ("rpm -V nginx", Read),
    ("rpm --query nginx", Read),
    ("rpm --verify nginx", Read),
    ("rpm -Uvh /tmp/app.rpm", Change),
    ("pm2 list", Read),
    ("pm2 logs api", Read),
    ("pm2 delete api", Destructive),
    ("pm2 restart api", Change),
    ("s3cmd ls s3://backups", Read),
    ("s3cmd del s3://backups/old.tar", Destructive),
    ("s3cmd put dump.sql s3://backups/", Change),
    ("mc ls minio/backups", Read),
    ("mc rm --recursive --force minio/backups/old", Destructive),
    ("mc cp dump.sql minio/backups/", Change),
    ("mc admin info minio", Read),
    ("mc admin service restart minio", Change),
    // curl's long options, redis' admin commands, psql's meta-commands.
    (
        "curl --request DELETE https://api.example.com/v1/jobs/1",
        Destructive,
    ),
    ("curl --request=GET https://api.example.com/v1/jobs", Read),
    (
        "curl --upload-file dump.tar https://files.example.com/",
        Change,
    ),
    ("curl --output /tmp/page.html https://example.com/", Change),
    (
        "curl --output=/dev/null -w '%{http_code}' https://example.com/",
        Read,
    ),
    ("curl --remote-name https://example.com/tool.tar.gz", Change),
    (
        "curl --json '{\"a\":1}' https://api.example.com/v1/jobs",
        Change,
    ),
    (
        "curl --form file=@x https://api.example.com/v1/upload",
        Change,
    ),
    ("curl --head https://example.com/", Read),
    ("redis-cli ACL LIST", Read),
    ("redis-cli ACL DELUSER bob", Destructive),
    ("redis-cli ACL SETUSER bob on", Change),
    ("redis-cli SCRIPT EXISTS abc", Read),
    ("redis-cli FUNCTION DELETE mylib", Destructive),
    ("redis-cli SCRIPT LOAD 'return 1'", Change),
    ("redis-cli MODULE LIST", Read),
    ("redis-cli MODULE LOAD /opt/m.so", Change),
    ("redis-cli CLUSTER NODES", Read),
    ("redis-cli CLUSTER FORGET abc", Destructive),
    ("redis-cli CLUSTER MEET 10.0.0.1 6379", Change),
    ("redis-cli --cluster check 10.0.0.1:6379", Read),
    (
        "redis-cli --cluster del-node 10.0.0.1:6379 abc",
        Destructive,
    ),
    ("redis-cli --cluster rebalance 10.0.0.1:6379", Change),
    ("psql -c '\\dt'", Read),
    ("psql -c '\\copy jobs TO jobs.csv CSV'", Change),
    ("psql -c '\\i fix.sql'", Change),
    ("find /var/log -name '*.gz' -fprint /tmp/list.txt", Change),
    ("kubectl plugin list", Read),
    // Each branch of the rules for databases, storage, services, files,
    // processes and infrastructure tools.
    ("mysqladmin -h db status", Read),
    ("mysqladmin -u root processlist", Read),
    ("mysqladmin -h db shutdown", Destructive),
    ("mysqladmin -h db flush-hosts", Change),
    ("sqlite3 app.db .tables", Read),
    ("sqlite3 app.db '.restore backup.db'", Destructive),
    ("sqlite3 app.db 'DELETE FROM jobs'", Destructive),
    ("sqlite3 app.db 'SELECT count(*) FROM jobs'", Read),
    ("sqlite3 app.db <<< 'SELECT 1'", Read),
    ("sqlite3 app.db", Change),
    ("clickhouse-client --query 'SELECT count() FROM logs'", Read),
    (
        "clickhouse-client --query 'TRUNCATE TABLE logs'",
        Destructive,
    ),
    ("clickhouse-client <<< 'SELECT 1'", Read),
    ("clickhouse-client", Change),
    ("cqlsh -e 'SELECT * FROM ks.t'", Read),
    ("cqlsh", Change),
    ("mongosh --eval 'db.jobs.countDocuments()'", Read),
    ("mongosh <<< 'db.jobs.drop()'", Destructive),
    ("mongosh", Change),
    ("pg_ctl stop -D /var/lib/pg -m fast", Change),
    ("pg_ctlcluster 16 main restart -m immediate", Destructive),
    ("patronictl -c /etc/patroni.yml list", Read),
    (
        "patronictl -c /etc/patroni.yml reinit pg node-2",
        Destructive,
    ),
    ("patronictl -c /etc/patroni.yml switchover", Change),
    ("gsutil ls gs://backups", Read),
    ("gsutil rm gs://backups/old.tar", Destructive),
    ("gsutil -m rsync -d -r /data gs://backups/data", Destructive),
    ("gsutil -m rsync -r /data gs://backups/data", Change),
    ("service --status-all", Read),
    ("service nginx status", Read),
    ("service nginx restart", Change),
    ("journalctl --vacuum-time=2d", Destructive),
    ("journalctl --rotate", Change),
    ("journalctl -u nginx --since today", Read),
    ("shutdown -c", Change),
    ("shutdown -r now", Destructive),
    ("ctr version", Read),
    ("ctr -n k8s.io containers list", Read),
    (
        "ctr -n k8s.io images rm docker.io/library/nginx:latest",
        Destructive,
    ),
    (
        "ctr -n k8s.io images pull docker.io/library/nginx:latest",
        Change,
    ),
    ("mkfs.ext4 /dev/sdb1", Destructive),
    ("mke2fs -t ext4 /dev/sdb1", Destructive),
    ("dd if=/dev/sda of=/dev/null bs=1M count=10", Read),
    ("swapon --show", Read),
    ("swapon -s", Read),
    ("swapon /swapfile", Change),
    ("rsync -av --remove-source-files /a/ /b/", Destructive),
    ("rsync -av --dry-run /a/ /b/", Read),
    ("rsync -av -n /a/ /b/", Read),
    ("tar --list -f backup.tar", Read),
    ("tar -tvf backup.tar", Read),
    ("tar -xvf backup.tar", Change),
    ("tar -cvf backup.tar /etc", Change),
    ("sed --in-place=.bak 's/a/b/' f", Change),
    ("yq --inplace '.a = 1' f.yaml", Change),
    ("yq -i '.a = 1' f.yaml", Change),
    ("tee /dev/null", Read),
    ("echo 1 | tee /proc/sys/vm/drop_caches", Change),
    ("kill -l", Read),
    ("kill -0 1234", Read),
    ("renice -n 10 -p 1234", Change),
    ("iptables --append INPUT -s 1.2.3.4 -j DROP", Change),
    ("iptables -t nat -S", Read),
    ("mount -t nfs srv:/export /mnt", Change),
    ("crontab -e", Change),
    ("nc -l 8080", Change),
    ("nginx -T", Read),
    ("apachectl configtest", Read),
    ("haproxy -c -f /etc/haproxy/haproxy.cfg", Read),
    ("caddy validate --config /etc/caddy/Caddyfile", Read),
    ("httpd -v", Read),
    ("httpd -V", Read),
    ("apachectl -S", Read),
    ("caddy version", Read),
    ("caddy reload --config /etc/caddy/Caddyfile", Change),
    ("terraform fmt -check", Read),
    ("terraform fmt", Change),
    ("terraform init", Change),
    ("terraform -chdir=infra output", Read),
    ("terraform apply -destroy", Destructive),
    ("terraform state pull", Read),
    ("vault policy read app", Read),
    ("vault token lookup", Read),
    ("vault secrets list", Read),
    ("vault operator members", Read),
    ("vault kv metadata get secret/app", Read),
    ("vault kv metadata delete secret/app", Destructive),
    ("vault delete secret/app", Destructive),
    ("vault lease revoke -prefix aws/creds", Destructive),
    ("vault secrets disable kv", Destructive),
    ("vault operator raft remove-peer node-3", Destructive),
    ("vault operator raft snapshot save s.snap", Change),
    ("etcdctl member list", Read),
    ("etcdctl snapshot status /backup/etcd.db", Read),
    ("etcdctl member remove 8e9e05c52164694d", Destructive),
    ("etcdctl get /registry --prefix --keys-only", Read),
    ("consul operator raft list-peers", Read),
    (
        "consul operator raft remove-peer -address=10.0.0.3:8300",
        Destructive,
    ),
    ("consul leave", Destructive),
    ("consul kv put app/config x", Change),
    ("nomad status", Read),
    ("nomad job plan api.nomad", Read),
    ("nomad operator raft list-peers", Read),
    (
        "nomad operator raft remove-peer -peer-address=10.0.0.3:4647",
        Change,
    ),
    ("nomad job stop -purge api", Destructive),
    ("nomad node eligibility -disable node-1", Change),
    ("argocd version", Read),
    ("argocd app list", Read),
    ("argocd app delete-resource api --kind Pod", Destructive),
    (
        "argocd repo rm https://git.example.com/app.git",
        Destructive,
    ),
    ("flux version", Read),
    ("flux delete kustomization apps", Destructive),
    ("flux uninstall", Destructive),
    ("istioctl", Read),
    ("istioctl x describe pod api-1", Read),
    ("istioctl x uninstall --purge", Destructive),
    ("istioctl uninstall --purge", Destructive),
    ("istioctl install -y", Change),
    ("velero version", Read),
    ("velero backup describe nightly", Read),
    ("velero backup delete nightly", Destructive),
    ("amtool check-config /etc/alertmanager.yml", Read),
    ("amtool alert", Read),
    ("kubectx -c", Read),
    ("kubens --current", Read),
    ("kustomize version", Read),
    ("helmfile list", Read),
    ("helmfile delete", Destructive),
    (
        "kafka-topics.sh --bootstrap-server k:9092 --create --topic t",
        Change,
    ),
    (
        "kafka-consumer-groups.sh --bootstrap-server k:9092 --delete --group g",
        Destructive,
    ),
    (
        "kafka-consumer-groups.sh --bootstrap-server k:9092 --list",
        Read,
    ),
    (
        "kafka-consumer-groups.sh --bootstrap-server k:9092 --group g --reset-offsets --to-earliest --topic t",
        Read,
    ),
    ("rabbitmq-diagnostics status", Read),
    ("rabbitmqctl -p / list_exchanges", Read),
    ("rabbitmqctl cluster_status", Read),
    ("rabbitmqctl delete_queue q", Destructive),
    ("rabbitmqctl forget_cluster_node rabbit@n2", Destructive),
    ("rabbitmqctl force_reset", Destructive),
    ("rabbitmq-plugins enable rabbitmq_shovel", Change),
    ("nodetool -h db1 tpstats", Read),
    ("nodetool clearsnapshot", Destructive),
    ("apt list --upgradable", Read),
    ("apt-get purge -y nginx", Destructive),
    ("yum history", Read),
    ("pip show requests", Read),
    ("pip uninstall -y requests", Destructive),
    ("cargo search serde", Change),
    ("go version", Change),
    ("pacman -Qi nginx", Read),
    ("pacman -Q nginx", Read),
    ("curl --data delete https://api.example.com/v1/jobs", Change),
    ("curl -G -d 'q=x' https://api.example.com/v1/jobs", Read),
    (
        "curl -X POST --referer https://app.example.com/delete https://api.example.com/v1/jobs",
        Change,
    ),
    (
        "curl -X POST --compressed https://api.example.com/v1/jobs/delete",
        Destructive,
    ),
    (
        "curl -X POST -H 'Referer: https://app.example.com/delete' https://api.example.com/v1/jobs",
        Change,
    ),
    ("sudo -- rm -rf /var/lib/app", Destructive),
    ("sudo -u app -- kubectl get pods", Read),
    ("nice -n 10 -- rm -rf /var/lib/app", Destructive),
    ("pacman -Si nginx", Change),
    ("pacman -Rns nginx", Destructive),
    ("pacman -Syu", Change),
    ("supervisorctl status", Read),
    ("supervisorctl shutdown", Destructive),
    ("supervisorctl restart api", Change),
    ("ansible all -m ping --check", Read),
    ("ansible-playbook site.yml -C", Read),
    ("ansible-playbook site.yml --list-hosts", Read),
    ("ansible-playbook site.yml --syntax-check", Read),
    ("ansible-playbook site.yml", Change),
    ("make deploy", Change),
    ("openssl s_client -connect example.com:443", Read),
    // kubectl and oc, verb by verb; helm.
    ("kubectl ctx prod", Change),
    ("kubectl auth whoami", Read),
    ("kubectl auth reconcile -f rbac.yaml", Change),
    ("kubectl config get-contexts", Read),
    ("kubectl config use-context prod", Change),
    ("kubectl rollout status deploy/api", Read),
    ("kubectl rollout restart deploy/api", Change),
    ("kubectl plugin install x", Change),
    ("oc image info quay.io/app:1", Read),
    ("kubectl image info quay.io/app:1", Change),
    ("oc project", Read),
    ("oc project prod", Change),
    ("kubectl drain node-1 --ignore-daemonsets", Destructive),
    ("kubectl replace --force -f pod.yaml", Destructive),
    ("kubectl scale deploy/api --replicas=0", Destructive),
    ("kubectl scale deploy/api --replicas 3", Change),
    ("oc adm drain node-1", Destructive),
    ("oc adm prune images --confirm", Destructive),
    ("oc adm top nodes", Read),
    ("oc adm release info", Read),
    ("oc adm release new", Change),
    ("oc adm policy who-can get pods", Read),
    ("oc adm policy add-role-to-user admin bob", Change),
    ("oc adm upgrade", Read),
    ("oc adm upgrade --to-latest", Change),
    ("oc adm upgrade --clear", Change),
    ("oc adm upgrade channel stable-4.16", Change),
    ("kubectl cordon node-1", Change),
    ("kubectl apply --dry-run=server -f app.yaml", Read),
    ("kubectl apply --dry-run=none -f app.yaml", Change),
    ("kubectl exec -it api-1 -- sh", Change),
    ("kubectl exec api-1 -- ls /data", Read),
    ("oc rsh api-1 ls /data", Read),
    ("oc rsh api-1", Change),
    ("helm", Read),
    ("helm repo list", Read),
    (
        "helm repo add bitnami https://charts.bitnami.com/bitnami",
        Change,
    ),
    ("helm upgrade api ./chart --dry-run", Read),
    ("helm uninstall api -n prod", Destructive),
    (
        "helm upgrade --install api ./chart -n prod -f values.yaml",
        Change,
    ),
    // HTTP: each method, each way a path deletes, each query sent by POST.
    ("curl -X OPTIONS https://api.example.com/v1/jobs", Read),
    ("curl -X TRACE https://api.example.com/v1/jobs", Read),
    (
        "curl -X delete https://api.example.com/v1/jobs/1",
        Destructive,
    ),
    (
        "curl -X PUT https://api.example.com/v1/jobs/delete",
        Destructive,
    ),
    (
        "curl -X POST https://api.example.com/v1/jobs/delete_all",
        Destructive,
    ),
    (
        "curl -X POST https://api.example.com/v1/jobs/delete-old",
        Destructive,
    ),
    (
        "curl -X POST 'https://api.example.com/v1/jobs/run?delete=1'",
        Change,
    ),
    (
        "curl -X POST 'https://api.example.com/v1/jobs/run#delete'",
        Change,
    ),
    ("curl -X POST https://api.example.com/v1/undelete", Change),
    ("curl -X POST es:9200/logs/_msearch", Read),
    ("curl -X POST es:9200/logs/_count/", Read),
    ("curl -X POST es:9200/logs/_mget", Read),
    ("curl -X POST es:9200/logs/_field_caps", Read),
    ("curl -X POST es:9200/logs/_analyze", Read),
    ("curl -X POST es:9200/logs/_explain", Read),
    ("curl -X POST es:9200/logs/_validate", Read),
    ("curl -X POST es:9200/logs/_validate/query", Read),
    ("curl -X POST 'es:9200/logs/_search?q=x#frag'", Read),
    ("curl -X POST prom:9090/api/v1/query", Read),
    ("curl -X POST prom:9090/api/v1/query_range", Read),
    ("curl -X POST prom:9090/api/v1/query_exemplars", Read),
    ("curl -X POST prom:9090/api/v1/series", Read),
    ("curl -X POST prom:9090/api/v1/labels", Read),
    (
        "curl -X POST prom:9090/api/v1/admin/tsdb/delete_series",
        Destructive,
    ),
    ("curl -G -d 'query=up' prom:9090/api/v1/query", Read),
    (
        "curl -d @body.json -X GET https://api.example.com/v1/jobs",
        Read,
    ),
    (
        "curl -sSo /tmp/out.json https://api.example.com/v1/jobs",
        Change,
    ),
    ("curl -o/dev/null https://api.example.com/v1/jobs", Read),
    ("curl -Tbackup.tar https://store/", Change),
    ("curl -Ffile=@a https://api.example.com/v1/upload", Change),
    (
        "curl --url https://api.example.com/v1/jobs -H 'Accept: x'",
        Read,
    ),
    (
        "curl --data-urlencode 'q=x' https://api.example.com/v1/jobs",
        Change,
    ),
    (
        "curl --form-string 'a=b' https://api.example.com/v1/jobs",
        Change,
    ),
    (
        "curl --get --data 'q=x' https://api.example.com/v1/jobs",
        Read,
    ),
    (
        "curl --output=/tmp/x https://api.example.com/v1/jobs",
        Change,
    ),
    (
        "curl --remote-name-all https://example.com/a https://example.com/b",
        Change,
    ),
    ("curl --max-time 5 https://api.example.com/v1/health", Read),
    ("wget --output-document=/tmp/x http://api/x", Change),
    ("wget --output-document=- http://api/x", Read),
    ("wget --output-document /dev/null http://api/x", Read),
    ("wget --output-document /tmp/x http://api/x", Change),
    ("wget -O/tmp/x http://api/x", Change),
    ("wget -qO /dev/null http://api/x", Read),
    (
        "wget --body-data 'a=1' --method PUT -qO- http://api/x",
        Change,
    ),
    ("wget --body-file=b.json -qO- http://api/x", Change),
    ("wget --method=GET -qO- http://api/jobs/delete", Read),
    ("http PUT https://api/x name=a", Change),
    ("http --form https://api/x name=a", Change),
    ("http -f https://api/x", Change),
    ("http https://api/x id:=1", Change),
    ("http https://api/x file=@a.json", Change),
    ("http https://api/x q==1", Read),
    ("http https://api/x @body.json", Change),
    ("http -a user:pass https://api/x", Read),
    ("xh DELETE https://api/x/1", Destructive),
    ("https https://api/x", Read),
    // redis-cli: each way it is given commands.
    ("redis-cli MEMORY PURGE", Change),
    ("redis-cli memory doctor", Read),
    ("redis-cli --eval script.lua k , a", Change),
    ("redis-cli --rdb /tmp/dump.rdb", Change),
    ("redis-cli --scan --pattern 'session:*'", Read),
    ("redis-cli --latency-history", Read),
    ("redis-cli --cluster help", Read),
    ("redis-cli <<< 'GET a'", Read),
    ("redis-cli <<EOF\nGET a\n\nDEL b\nEOF", Destructive),
    ("redis-cli <<EOF\nGET a\n\nTTL b\nEOF", Read),
    ("redis-cli -h redis -a secret --user bob GET k", Read),
    // SQL: quotes and comments hide nothing and show nothing; each way
    // psql and mysql are given statements.
    ("psql -c \"SELECT 'DROP TABLE x'\"", Read),
    ("psql -c 'SELECT 1 -- DROP TABLE x'", Read),
    (
        "psql <<EOF\nSELECT 1 -- a comment\nDELETE FROM jobs\nEOF",
        Destructive,
    ),
    ("psql -c 'SELECT 2-1'", Read),
    ("psql -c 'START TRANSACTION'", Read),
    ("psql -c \"COPY jobs FROM '/tmp/jobs.csv'\"", Change),
    ("psql -c 'COPY jobs TO STDOUT'", Read),
    ("psql -c 'ANALYZE jobs'", Change),
    ("psql -c 'SET statement_timeout = 0'", Read),
    ("psql --command='DELETE FROM jobs'", Destructive),
    ("psql --command 'SELECT 1'", Read),
    ("psql -c'TRUNCATE jobs'", Destructive),
    ("psql --cluster 16/main -l", Read),
    ("psql -c 'SELECT 1' -c 'DELETE FROM jobs'", Destructive),
    ("psql -f - <<< 'SELECT 1'", Read),
    ("psql -f - <<< 'DROP TABLE jobs'", Destructive),
    ("psql -f fix.sql", Change),
    ("psql --file=fix.sql", Change),
    ("psql -l", Read),
    ("psql --list", Read),
    ("psql --version", Read),
    ("psql -V", Read),
    ("psql -h db app", Change),
    ("mysql -e 'SET GLOBAL max_connections = 500'", Change),
    ("mysql -e 'SET PERSIST max_connections = 500'", Change),
    ("mysql -e 'SET NAMES utf8mb4'", Read),
    ("mysql -e 'START SLAVE'", Change),
    ("mysql -e 'START REPLICA'", Change),
    ("mysql --execute='DELETE FROM jobs'", Destructive),
    ("mysql --execute 'SELECT 1'", Read),
    ("mysql -eSELECT\\ 1", Read),
    ("mysql -Nse 'SHOW PROCESSLIST'", Read),
    ("mysql -Nse 'DROP TABLE jobs'", Destructive),
    ("mysql -u root -p app", Change),
    ("mysql --version", Read),
    ("mysql -V", Read),
    ("mysql app <<< 'SELECT 1'", Read),
    ("mysql -h db -e 'SHOW SLAVE STATUS' -e 'KILL 42'", Change),
    // Cloud CLIs, systemd, containers, find and git: each branch.
    ("aws ec2 run-instances --dry-run --image-id ami-1", Read),
    ("aws s3 ls s3://backups", Read),
    ("aws s3 presign s3://backups/a", Read),
    ("aws s3 rb s3://old-bucket", Destructive),
    ("aws s3 sync /data s3://backups --delete", Destructive),
    ("aws s3 sync /data s3://backups --dryrun", Read),
    ("aws s3 mv s3://a/x s3://b/x --dryrun", Read),
    ("aws s3 sync /data s3://backups", Change),
    ("aws", Read),
    ("aws help", Read),
    ("aws help config-vars", Read),
    ("aws --version", Read),
    ("aws configure list", Read),
    ("aws configure set region eu-west-1", Change),
    ("aws ecr get-login-password", Change),
    ("aws logs tail /aws/lambda/api --follow", Read),
    (
        "aws ec2 terminate-instances --instance-ids i-1",
        Destructive,
    ),
    (
        "aws ec2 revoke-security-group-ingress --group-id sg-1",
        Change,
    ),
    ("aws iam disable-user --user-name x", Change),
    (
        "aws rds reboot-db-instance --db-instance-identifier db",
        Change,
    ),
    ("aws ec2 remove-tags --resources i-1", Change),
    (
        "aws ec2 create-tags --resources i-1 --tags Key=a,Value=b",
        Change,
    ),
    ("aws sts", Read),
    ("gcloud compute instances get-serial-port-output vm-1", Read),
    ("az vm get-instance-view -g rg -n vm", Read),
    ("az vm get-boot-log -g rg -n vm", Change),
    ("gcloud container clusters get-credentials prod", Change),
    ("gcloud compute instances list-tags", Read),
    ("az account show-usage", Read),
    (
        "gcloud container clusters resize prod --num-nodes 0",
        Destructive,
    ),
    (
        "gcloud container clusters resize prod --num-nodes=3",
        Change,
    ),
    ("az aks scale -g rg -n prod -c 0", Destructive),
    ("gcloud", Read),
    ("gcloud compute ssh vm-1", Change),
    ("systemctl", Read),
    ("systemctl --failed", Read),
    ("systemctl -H host1 is-active nginx", Read),
    ("systemctl isolate rescue.target", Destructive),
    ("systemctl restart nginx", Change),
    ("docker compose ps", Read),
    ("docker compose down", Destructive),
    ("docker compose exec web ls /data", Read),
    ("docker compose exec -e A=1 web rm -rf /data", Destructive),
    ("docker compose exec web", Change),
    ("docker compose up -d", Change),
    ("docker-compose -f prod.yml logs api", Read),
    ("docker-compose kill", Destructive),
    ("docker exec -it -u root app cat /etc/os-release", Read),
    ("docker exec app", Change),
    ("docker container exec app rm -rf /data", Destructive),
    ("docker container ls", Read),
    ("docker container logs app", Read),
    ("docker volume prune -f", Destructive),
    ("docker swarm leave --force", Destructive),
    ("docker image rmi nginx", Destructive),
    ("docker network create app", Change),
    ("docker -H tcp://h:2376 ps", Read),
    ("docker rmi nginx:old", Destructive),
    ("docker system prune -af", Destructive),
    ("docker restart app", Change),
    ("crictl", Read),
    ("crictl inspectp abc", Read),
    ("crictl rmp abc", Destructive),
    ("crictl exec abc ls /", Read),
    ("crictl exec -it abc rm -rf /data", Destructive),
    ("crictl exec abc", Change),
    ("crictl stopp abc", Change),
    ("find /tmp -name '*.tmp' -delete", Destructive),
    ("find /tmp -name '*.log' -exec gzip {} +", Change),
    ("find /tmp -name '*.log' -execdir rm {} \\;", Destructive),
    ("find /tmp -name '*.log' -exec ls -l {} ';' -print", Read),
    ("find /tmp -ok rm {} ;", Destructive),
    ("find /tmp -fls /tmp/list", Change),
    ("git branch -a", Read),
    ("git branch", Read),
    ("git tag -l 'v1.*'", Read),
    ("git remote -v", Read),
    ("git stash list", Read),
    ("git stash show", Read),
    ("git config --get user.email", Read),
    ("git branch --contains abc", Read),
    ("git branch new-feature", Change),
    ("git reset --hard HEAD~1", Destructive),
    ("git reset --soft HEAD~1", Change),
    ("git clean -fd", Destructive),
    ("git clean --force", Destructive),
    ("git clean -n", Change),
    ("git push --force origin main", Destructive),
    ("git push -f origin main", Destructive),
    ("git push --force-with-lease", Destructive),
    ("git push --delete origin old", Destructive),
    ("git push origin :old", Destructive),
    ("git push origin +main", Destructive),
    ("git push origin main", Change),
    ("git branch -D old", Destructive),
    ("git -C /srv/app log --oneline -5", Read),
    ("git pull", Change),
    // Session 11: commands that tell the rules' branches apart (each was
    // a surviving mutant of rules.rs).
    // tar: the letters of the first argument, long operations anywhere.
    ("tar -rf backup.tar /etc/hosts", Change),
    ("tar --update -f backup.tar /etc/hosts", Change),
    ("tar --delete -f backup.tar etc/hosts", Destructive),
    ("tar -f backup.tar --delete etc/hosts", Destructive),
    ("tar --diff -f backup.tar", Read),
    // ip: only `netns exec` runs a command.
    ("ip netns add blue", Change),
    ("ip netns delete blue", Change),
    ("ip netns list", Read),
    // nginx: `-c` names a config to run with, only haproxy checks with it.
    ("nginx -c /etc/nginx/nginx.conf", Change),
    ("nginx -c /etc/nginx/nginx.conf -t", Read),
    ("haproxy -f /etc/haproxy/haproxy.cfg", Change),
    // wget: a URL is no option, an option's value no URL.
    ("wget http://files/O-", Change),
    ("wget --output-document -O- http://api/x", Change),
    (
        "wget --post-data='{}' -qO- http://es:9200/logs/_search",
        Read,
    ),
    // httpie: a JSON item whose text holds `==` is still a body.
    ("http :8080/api/rules 'expr:=\"a==b\"'", Change),
    // SQL: `--` starts a comment, a lone `-` is arithmetic.
    ("psql -c 'SELECT 1-1; DROP TABLE users'", Destructive),
    ("psql -c 'SELECT 1 -- DROP TABLE users'", Read),
    ("psql -c 'SELECT 1 -- note\nDROP TABLE users'", Destructive),
    // psql: `-f FILE` runs the file, not what stdin holds; `-f -` reads a terminal.
    ("psql -f fix.sql <<EOF\nSELECT 1;\nEOF", Change),
    ("psql -f -", Change),
    ("psql -cDROP\\ TABLE\\ users", Destructive),
    // mysql: `--execute SQL` as two arguments; a database name is no flag.
    ("mysql --execute 'DROP DATABASE old'", Destructive),
    ("mysql -u root store -e 'DROP TABLE x'", Destructive),
    ("mysql -u root -", Change),
    // aws: no service, or help.
    ("aws --version", Read),
    ("aws help", Read),
];

/// The commands of [`TABLE`] whose program the rules do not know.
const UNKNOWN_IN_TABLE: &[&str] = &[
    "bash fix.sh",
    "zkp-ledger health-check --verbose",
    "./scripts/failover.sh prod",
    "/opt/app/bin/app-ctl restart",
    "python3 fix_queue.py --apply",
    "node scripts/reindex.js",
    "kafka-log-cleaner --now",
    "source ./env.sh",
];

#[test]
fn the_table() {
    let mut wrong = Vec::new();
    for (cmd, want) in TABLE {
        let got = infer(cmd);
        if got != *want {
            wrong.push(format!("{cmd:?}: got {}, want {}", got.name(), want.name()));
        }
        // The rules know every program of the table but these: what
        // they say is a floor that no declaration lowers.
        let a = analyse(cmd);
        let unknown = UNKNOWN_IN_TABLE.contains(cmd);
        let floor = if unknown { Read } else { *want };
        if a.unknown != unknown || a.known != floor {
            wrong.push(format!(
                "{cmd:?}: known {}, unknown {}; want known {}, unknown {unknown}",
                a.known.name(),
                a.unknown,
                floor.name()
            ));
        }
    }
    assert!(TABLE.len() >= 300, "{} commands", TABLE.len());
    assert!(
        wrong.is_empty(),
        "{} of {}:\n{}",
        wrong.len(),
        TABLE.len(),
        wrong.join("\n")
    );
}

#[test]
fn unknown_programs_take_the_declared_risk_known_ones_have_a_floor() {
    let a = analyse("zkp-ledger health-check --verbose");
    assert!(a.unknown);
    assert_eq!(a.effective(None), Change);
    assert_eq!(a.effective(Some(Read)), Read);
    let a = analyse("kubectl delete pod x");
    assert_eq!(a.effective(Some(Read)), Destructive);
    let a = analyse("zkp-ledger audit | kubectl delete pod x");
    assert_eq!(a.effective(Some(Read)), Destructive);
    assert_eq!(
        analyse("cd circuits/build && sha256sum -c checksums.txt").effective(None),
        Read
    );
    // Unknown inside a wrapper is unknown too.
    let a = analyse("sudo zkp-ledger fsck");
    assert!(a.unknown);
    assert_eq!(a.effective(None), Change);
}

#[test]
fn seeds_read_commands_are_read() {
    for c in [
        "curl https://api.dicps.example.com/v1/health/live",
        "kubectl get pods -n identity-platform -l app=dicps-api",
        "kubectl rollout history deployment/dicps-api -n identity-platform",
        "kubectl logs -n identity-platform -l app=dicps-api --tail=100",
        "kubectl top pods -n identity-platform -l app=dicps-api",
        "kubectl exec -n identity-platform dicps-api-xxx -- env | grep DB_",
        "kubectl describe configmap zk-circuits -n identity-platform",
        "cat /var/log/dicps/audit.log | grep -A 10 \"UNAUTHORIZED\"",
        "psql -c \"SELECT * FROM pg_stat_statements WHERE query LIKE '%identity%'\"",
        "kubectl get events --all-namespaces --sort-by='.lastTimestamp'",
        "aws rds describe-db-instances --db-instance-identifier dicps-production",
        "systemctl status zkp-dataset-ledger",
        "journalctl -u zkp-dataset-ledger --since \"1 hour ago\"",
        "top -p $(pgrep zkp-ledger)",
        "netstat -tuln | grep LISTEN",
        "kubectl auth can-i '*' '*' -n identity-platform",
        "aws sts get-caller-identity",
        "git log --all --full-history -- circuits/",
        "sha256sum -c checksums.txt",
        "tcpdump -i any -w /tmp/capture.pcap port 5432",
        "find /opt/zkp-ledger -type f -newer /tmp/incident-start",
    ] {
        assert_eq!(infer(c), Read, "{c}");
    }
}

#[test]
fn seeds_changing_commands_are_never_read() {
    let cases = [
        (
            "kubectl rollout undo deployment/dicps-api -n identity-platform",
            Change,
        ),
        (
            "kubectl delete pod -n identity-platform -l app=dicps-api",
            Destructive,
        ),
        ("kubectl scale deployment dicps-api --replicas=3", Change),
        ("systemctl stop zkp-dataset-ledger", Change),
        (
            "rsync -av /backup/last-known-good/ /var/lib/zkp-ledger/",
            Change,
        ),
        (
            "pg_restore -h $DB_HOST -U dicps -d dicps /backups/latest.dump",
            Destructive,
        ),
        ("psql zkp_ledger < /backup/last-known-good.sql", Destructive),
        (
            "aws rds failover-db-cluster --db-cluster-identifier dicps-production",
            Destructive,
        ),
        (
            "aws wafv2 update-web-acl --scope REGIONAL --id <acl-id> --default-action Block={}",
            Change,
        ),
        ("pkill -f \"zkp-ledger benchmark\"", Change),
        (
            "kubectl create secret generic dicps-database --from-literal=password=$(openssl rand -base64 32)",
            Change,
        ),
        ("kubectl delete secret dicps-database", Destructive),
        ("pg_dump zkp_ledger > /backup/pre-recovery.sql", Change),
        ("zkp-ledger config set cache.emergency_mode=true", Change),
        (
            "for ip in $(cat attacker_ips.txt); do kubectl exec -n x nginx -- nginx -s reload; done",
            Change,
        ),
        ("sudo rm -rf /var/lib/x", Destructive),
        ("psql -c \"DELETE FROM proofs\"", Destructive),
        ("curl -X POST https://x/api", Change),
    ];
    for (c, want) in cases {
        assert_eq!(infer(c), want, "{c}");
    }
}

#[test]
fn deep_nesting_does_not_hang_or_overflow() {
    let mut s = String::from("kubectl get pods");
    for _ in 0..12 {
        s = format!("sh -c {}", shell_words::quote(&s));
    }
    assert!(infer(&s) >= Read);
    let deep = "$(".repeat(5000);
    let _ = infer(&deep);
    let _ = infer(&"'".repeat(1001));
    assert_eq!(infer(&"sudo ".repeat(20_000)), Change);
    assert_eq!(infer(&format!("{}ls", "env ".repeat(20_000))), Change);
}

#[test]
fn a_query_string_does_not_make_a_post_delete() {
    assert_eq!(
        infer("curl -X POST 'es:9200/logs/_forcemerge?only_expunge_deletes=true'"),
        Change
    );
    assert_eq!(
        infer("curl -X POST 'es:9200/logs/_delete_by_query'"),
        Destructive
    );
}

#[test]
fn risks_have_their_playbook_names() {
    assert_eq!(Read.name(), "read");
    assert_eq!(Change.name(), "change");
    assert_eq!(Destructive.name(), "destructive");
}

#[test]
fn the_rules_know_their_programs_only() {
    assert!(knows("kubectl"));
    assert!(knows("cat"));
    assert!(!knows("zkp-ledger"));
}

#[test]
fn wrappers_and_substitutions_are_followed_eight_deep_not_nine() {
    // `sh -c` eight times around a read is a read; nine times, no longer
    // looked into: `change`.
    let nested = |n: usize, inner: &str| {
        let mut s = inner.to_string();
        for _ in 0..n {
            s = format!("sh -c {}", shell_words::quote(&s));
        }
        s
    };
    assert_eq!(infer(&nested(8, "kubectl get pods")), Read);
    let nine = analyse(&nested(9, "kubectl get pods"));
    assert_eq!((nine.known, nine.unknown), (Change, true));
    // The same for `$(…)` inside `$(…)`.
    let subs = |n: usize| {
        let mut s = String::from("ls");
        for _ in 0..n {
            s = format!("echo $({s})");
        }
        s
    };
    assert_eq!(infer(&subs(8)), Read);
    assert_eq!(infer(&subs(9)), Change);
}

#[test]
fn placeholders_given_by_place_are_words() {
    let line = "kubectl logs <pod> -n <namespace>";
    // Read as redirections, `<pod>` writes a file named `-n`.
    assert_eq!(analyse(line).effective(None), Change);
    assert_eq!(
        analyse_masked(line, &[13..18, 22..33]).effective(None),
        Read
    );
    // A place outside the line, or inside a character, is ignored.
    assert_eq!(
        analyse_masked(line, std::slice::from_ref(&(13..99))).effective(None),
        Change
    );
    assert_eq!(
        analyse_masked("cat é>x", std::slice::from_ref(&(5..6))).effective(None),
        Change
    );
}

#[test]
fn what_hides_behind_quotes_in_a_substitution_counts() {
    assert_eq!(infer("echo \"$(grep 'a)' f; rm -rf /data)\""), Destructive);
    assert_eq!(infer("echo $(grep \"a)\" f; rm -rf /data)"), Destructive);
    assert_eq!(infer("echo $(cat $(ls); rm -rf /data)"), Destructive);
    // In double quotes: an escaped quote ends nothing, a backquote runs.
    assert_eq!(infer(r#"echo "a\"; rm -rf /data""#), Read);
    assert_eq!(infer("echo \"`rm -rf /data`\""), Destructive);
    // Arithmetic runs nothing.
    assert_eq!(infer("echo $((2*3))"), Read);
    // A parameter is one word, whatever it holds; its default runs.
    assert_eq!(infer("grep -E ${PATTERNS//,/|} /var/log/app.log"), Read);
    assert_eq!(infer("ls ${DIR:-$(rm -rf /data)}"), Destructive);
    assert_eq!(infer("ls \"${DIR:-`rm -rf /data`}\""), Destructive);
    // `<<-` strips tabs before the delimiter: what follows it is a command.
    assert_eq!(
        infer("psql <<-SQL\n\tSELECT 1;\n\tSQL\nrm -rf /data"),
        Destructive
    );
}

#[test]
fn only_shell_assignments_are_skipped_before_the_program() {
    // `NAME=value` sets a variable for the program after it; a word that
    // is not a name before `=` is the program itself (unknown: `change`).
    assert_eq!(infer("_TRACE=1 kubectl get pods"), Read);
    assert_eq!(infer("LOG_LEVEL=debug A1=x kubectl get pods"), Read);
    assert_eq!(infer("1X=y kubectl get pods"), Change);
    assert_eq!(infer("LOG-LEVEL=debug kubectl get pods"), Change);
    assert_eq!(infer("env _TRACE=1 kubectl get pods"), Read);
    assert_eq!(infer("=x kubectl get pods"), Change);
}

#[test]
fn redirections_count_by_what_they_write_and_read() {
    // Appending to a file changes it; emptying it destroys it.
    assert_eq!(infer(": >> /var/run/app/drain"), Change);
    assert_eq!(infer(": > /var/log/app.log"), Destructive);
    assert_eq!(infer("> /var/log/app.log"), Destructive);
    assert_eq!(infer(">> /var/log/app.log"), Change);
    // `>&` to a file writes it; to a descriptor, nothing.
    assert_eq!(infer("kubectl get pods >& /tmp/pods.txt"), Change);
    assert_eq!(infer("kubectl get pods 2>&1"), Read);
    // A database client fed a file runs it; fed nothing, it runs nothing.
    assert_eq!(infer("psql -c 'select 1' < /dev/null"), Read);
    assert_eq!(infer("psql app < restore.sql"), Destructive);
}

#[test]
fn a_shell_after_its_options_reads_its_script_from_standard_input() {
    assert_eq!(
        infer("sh -s -- <<'EOF'\nrm -rf /var/lib/app\nEOF"),
        Destructive
    );
    assert_eq!(infer("bash -- <<'EOF'\nls /var/lib/app\nEOF"), Read);
}

#[test]
fn the_command_inside_docker_exec_is_found_after_a_double_dash() {
    assert_eq!(infer("docker exec -- app rm -rf /data"), Destructive);
    assert_eq!(infer("docker exec app -- rm -rf /data"), Destructive);
    assert_eq!(infer("docker exec -it app -- ls /data"), Read);
}

#[test]
fn a_lone_dash_is_an_argument_not_a_flag() {
    // `kubectx -`: back to the previous context, a change like any other.
    assert_eq!(infer("kubectl ctx -"), Change);
    assert_eq!(infer("kubectl ns -"), Change);
    assert_eq!(infer("kubectl ctx"), Read);
}

#[test]
fn a_short_flag_takes_its_value_attached() {
    assert_eq!(infer("cqlsh -e'TRUNCATE ks.sessions'"), Destructive);
    assert_eq!(infer("cqlsh -e'SELECT * FROM ks.sessions'"), Read);
    assert_eq!(infer("su -c'rm -rf /var/lib/app' app"), Destructive);
    // A longer flag that starts like the one asked for is another flag.
    assert_eq!(
        infer("clickhouse-client --query_id q1 --query 'SELECT 1'"),
        Read
    );
}

#[test]
fn eval_here_strings_and_wrappers_are_followed_to_their_limits() {
    let evals = |n: usize| format!("{}kubectl get pods", "eval ".repeat(n));
    assert_eq!(infer(&evals(8)), Read);
    assert_eq!(infer(&evals(9)), Change);
    let here_strings = |n: usize| {
        let mut s = String::from("kubectl get pods");
        for _ in 0..n {
            s = format!("sh <<< {}", shell_words::quote(&s));
        }
        s
    };
    assert_eq!(infer(&here_strings(8)), Read);
    assert_eq!(infer(&here_strings(9)), Change);
    // Wrappers in one simple command: 64 deep.
    let nices = |n: usize| format!("{}kubectl get pods", "nice ".repeat(n));
    assert_eq!(infer(&nices(64)), Read);
    assert_eq!(infer(&nices(65)), Change);
    let execs = |n: usize| format!("{}ls /data", "kubectl exec p -- ".repeat(n));
    assert_eq!(infer(&execs(64)), Read);
    assert_eq!(infer(&execs(65)), Change);
}

#[test]
fn taskset_and_chrt_run_the_command_after_their_cpu_list_or_priority() {
    assert_eq!(infer("taskset -c 0-3 kubectl get pods"), Read);
    assert_eq!(infer("taskset 0x3 rm -rf /var/lib/app"), Destructive);
    assert_eq!(infer("chrt -f 10 kubectl get pods"), Read);
    assert_eq!(infer("chrt 10 rm -rf /var/lib/app"), Destructive);
}

#[test]
fn runuser_runs_its_command_and_a_sourced_script_is_unknown() {
    assert_eq!(infer("runuser -u app -- kubectl get pods"), Read);
    assert_eq!(infer("runuser -u app -- rm -rf /var/lib/app"), Destructive);
    assert_eq!(infer("runuser -l app -c 'ls /srv/app'"), Read);
    assert_eq!(infer("runuser -l app"), Change);
    assert!(analyse("source ./drain.sh").unknown);
    assert!(analyse(". ./drain.sh").unknown);
    assert!(!knows("source"));
}

#[test]
fn postgres_tools_are_known() {
    assert_eq!(infer("pg_ctl status -D /var/lib/postgresql/16/main"), Read);
    assert_eq!(
        infer("pg_ctl stop -D /var/lib/postgresql/16/main -m immediate"),
        Destructive
    );
    assert_eq!(
        analyse("createdb app_restore").effective(Some(Read)),
        Change
    );
    assert_eq!(analyse("vacuumdb -z app").effective(Some(Read)), Change);
}

#[test]
fn container_exec_and_find_exec_stop_at_the_depth_limit() {
    // Each of these runs the command after it, one wrapper level a time
    // (as `sudo`): sixty deep around a read is still looked into; seventy
    // deep, past the wrappers' limit of 64, no longer is (`change`, unknown).
    for (wrap, end) in [
        ("docker exec c", ""),
        ("docker compose exec web", ""),
        ("crictl exec c", ""),
        ("find . -exec", " \\;"),
    ] {
        let nested = |n: usize| {
            let mut s = String::from("ls");
            for _ in 0..n {
                s = format!("{wrap} {s}{end}");
            }
            s
        };
        assert_eq!(infer(&nested(60)), Read, "{wrap}");
        let deep = analyse(&nested(70));
        assert_eq!((deep.known, deep.unknown), (Change, true), "{wrap}");
    }
}
