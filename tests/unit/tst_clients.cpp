// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The clients' side: references as containerd reads them, every manifest format, the join
// to the matrix, and containerd's hosts.toml (read, generated, linted, explained). What
// containerd itself does with these files is checked in tst_containerd.
#include "clients/hostsplan.h"
#include "clients/inventory.h"
#include "clients/refjoin.h"
#include "store/clienttables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "store/store.h"
#include "testmain.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace ferry;

namespace {

QString digest(int n)
{
    return QStringLiteral("sha256:%1").arg(n, 64, 10, QLatin1Char('0'));
}

const ClientReference *find(const Inventory &inv, const QString &canonical)
{
    for (const ClientReference &r : inv.references)
        if (r.ref.canonical() == canonical)
            return &r;
    return nullptr;
}

const JoinedReference *find(const RefJoin &join, const QString &canonical)
{
    for (const JoinedReference &r : join.references)
        if (r.ref.ref.canonical() == canonical)
            return &r;
    return nullptr;
}

const QByteArray kWorkloads = R"(# Every workload kind, in one multi-document file.
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: quay.io/acme/migrate:2.1
      containers:
        - name: nginx
          image: nginx
        - name: sidecar
          image: giantswarm/app-operator:6.1.0
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: backup, namespace: ops }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: backup
              image: index.docker.io/library/busybox:1.36@sha256:0000000000000000000000000000000000000000000000000000000000000007
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  template:
    spec:
      containers: [{ name: pg, image: "registry-1.docker.io/bitnami/postgresql:16" }]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  template:
    spec:
      containers: [{ name: a, image: "k8s.gcr.io/pause:3.9" }]
      ephemeralContainers: [{ name: debug, image: "localhost:5000/tools/debug:1" }]
---
apiVersion: v1
kind: List
items:
  - apiVersion: batch/v1
    kind: Job
    metadata: { name: once }
    spec:
      template:
        spec:
          containers: [{ name: j, image: "gsoci.azurecr.io/giantswarm/kubectl:1.29.0" }]
  - apiVersion: apps/v1
    kind: ReplicaSet
    metadata: { name: rs }
    spec:
      template:
        spec:
          containers: [{ name: r, image: "Docker.io/Bad/Name:1" }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: not-a-workload }
data: { image: "should-not-count:1" }
)";

const QByteArray kKubectlDump = R"({
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {
      "apiVersion": "v1",
      "kind": "Pod",
      "metadata": {"name": "web-1", "namespace": "shop"},
      "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]},
      "status": {"containerStatuses": [{"name": "nginx", "image": "docker.io/library/nginx:1.25",
        "imageID": "docker.io/library/nginx@sha256:0000000000000000000000000000000000000000000000000000000000000005"}]}
    },
    {
      "apiVersion": "v1",
      "kind": "Pod",
      "metadata": {"name": "old", "namespace": "shop"},
      "spec": {"containers": [{"name": "c", "image": "busybox"}]},
      "status": {"containerStatuses": [{"name": "c", "imageID": "sha256:1111111111111111111111111111111111111111111111111111111111111111"}]}
    }
  ]
})";

const QByteArray kValues = R"(global:
  imageRegistry: gsoci.azurecr.io
image: quay.io/prometheus/node-exporter:v1.7.0
operator:
  image:
    registry: docker.io
    repository: bitnami/redis
    tag: "7.2.4"
    digest: ""
controller:
  image:
    name: giantswarm/app-operator
    tag: 6.2.0
webhook:
  image:
    repository: giantswarm/webhook
sidecars:
  - name: proxy
    image: envoyproxy/envoy
    tag: v1.29.1
notAnImage:
  imagePullPolicy: IfNotPresent
)";

const QByteArray kFlux = R"(apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: { name: giantswarm, namespace: flux-system }
spec:
  url: https://giantswarm.github.io/control-plane-catalog
---
apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: HelmRepository
metadata: { name: gsoci, namespace: flux-system }
spec:
  type: oci
  url: oci://gsoci.azurecr.io/charts/giantswarm
---
apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: OCIRepository
metadata: { name: manifests, namespace: flux-system }
spec:
  url: oci://docker.io/giantswarm/manifests
  ref: { tag: "1.0.0" }
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: kyverno, namespace: kyverno }
spec:
  chart: { spec: { chart: kyverno, sourceRef: { kind: HelmRepository, name: giantswarm } } }
  values:
    image:
      registry: docker.io
      repository: giantswarm/kyverno
      tag: 1.11.0
)";

// The RFC's cast: Docker Hub as the source, gsoci the target with a cache, an old registry.
QByteArray planText(const QString &dir, const QString &clientsYaml)
{
    return QStringLiteral("version: 1\nname: leave\n"
                          "registries:\n"
                          "  dockerhub: { url: https://registry-1.docker.io, kind: dockerhub, role: source, credentials: anonymous }\n"
                          "  quay:      { url: https://quay.io, role: source, credentials: anonymous }\n"
                          "  gsoci:     { url: https://gsoci.azurecr.io, role: target, credentials: anonymous, ca-file: %1/ca.pem }\n"
                          "  cache:     { url: https://cache.local:5000, role: cache, of: gsoci, credentials: anonymous }\n"
                          "  old:       { url: https://old.example:5000, role: legacy, credentials: anonymous }\n"
                          "images:\n"
                          "  - source: dockerhub/giantswarm/app-operator\n"
                          "    target: gsoci/giantswarm/app-operator\n"
                          "  - source: dockerhub/library/nginx\n"
                          "    target: gsoci/giantswarm/nginx\n"
                          "  - source: dockerhub/library/busybox\n"
                          "    target: gsoci/giantswarm/busybox\n"
                          "  - source: dockerhub/giantswarm/kyverno\n"
                          "    target: gsoci/giantswarm/kyverno\n"
                          "  - source: quay/acme/migrate\n"
                          "    target: gsoci/acme/migrate\n"
                          "  - repositories: gsoci/giantswarm/*\n"
                          "%2")
        .arg(dir, clientsYaml)
        .toUtf8();
}

} // namespace

class TestClients : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalisation_data()
    {
        QTest::addColumn<QString>("written");
        QTest::addColumn<QString>("canonical");
        QTest::addColumn<QString>("domain");
        QTest::addColumn<bool>("dockerHub");
        const QString hub = QStringLiteral("docker.io");
        auto row = [&](const char *name, const char *written, const char *canonical, const QString &domain, bool dockerHub) {
            QTest::newRow(name) << QString::fromLatin1(written) << QString::fromLatin1(canonical) << domain << dockerHub;
        };
        row("bare name", "nginx", "docker.io/library/nginx:latest", hub, true);
        row("user repo", "giantswarm/app:1.0", "docker.io/giantswarm/app:1.0", hub, true);
        row("docker.io single", "docker.io/nginx:1", "docker.io/library/nginx:1", hub, true);
        row("index.docker.io", "index.docker.io/library/nginx", "docker.io/library/nginx:latest", hub, true);
        // containerd keeps registry-1.docker.io as its own namespace (certs.d/registry-1.docker.io).
        row("registry-1", "registry-1.docker.io/nginx:1", "registry-1.docker.io/nginx:1", QStringLiteral("registry-1.docker.io"), true);
        row("quay", "quay.io/prometheus/node-exporter:v1", "quay.io/prometheus/node-exporter:v1", QStringLiteral("quay.io"), false);
        row("port", "127.0.0.1:5000/team/app:2", "127.0.0.1:5000/team/app:2", QStringLiteral("127.0.0.1:5000"), false);
        row("localhost", "localhost/app", "localhost/app:latest", QStringLiteral("localhost"), false);
        QTest::newRow("digest only") << QString(QStringLiteral("nginx@") + digest(3))
                                     << QString(QStringLiteral("docker.io/library/nginx@") + digest(3)) << hub << true;
        QTest::newRow("tag and digest") << QString(QStringLiteral("nginx:1.25@") + digest(3))
                                        << QString(QStringLiteral("docker.io/library/nginx:1.25@") + digest(3)) << hub << true;
    }
    void normalisation()
    {
        QFETCH(QString, written);
        QFETCH(QString, canonical);
        QFETCH(QString, domain);
        QFETCH(bool, dockerHub);
        QString error;
        const auto ref = ClientRef::parse(written, &error);
        QVERIFY2(ref, qPrintable(error));
        QCOMPARE(ref->canonical(), canonical);
        QCOMPARE(ref->domain, domain);
        QCOMPARE(ref->isDockerHub(), dockerHub);
    }

    void invalidReferencesSayWhy()
    {
        QString error;
        QVERIFY(!ClientRef::parse(QStringLiteral("Docker.io/Bad/Name:1"), &error));
        QVERIFY2(error.contains(QStringLiteral("lower case")), qPrintable(error));
        QVERIFY(!ClientRef::parse(QStringLiteral("nginx@sha256:abc"), &error));
        QVERIFY(error.contains(QStringLiteral("digest")));
        QVERIFY(!ClientRef::parse(QStringLiteral("{{ .Values.image }}"), &error));
        QCOMPARE(clientref::digestOfImageId(QStringLiteral("docker-pullable://nginx@") + digest(4)), digest(4));
        QCOMPARE(clientref::digestOfImageId(digest(4)), QString()); // a config digest says nothing of the manifest
    }

    void everyWorkloadKindIsRead()
    {
        Inventory inv;
        readManifestText(kWorkloads, QStringLiteral("w.yaml"), ClientSource{QStringLiteral("berlin"), QStringLiteral("acme"), {}, {}, {}},
                         &inv);
        QCOMPARE(inv.references.size(), 8);
        const ClientReference *nginx = find(inv, QStringLiteral("docker.io/library/nginx:latest"));
        QVERIFY(nginx);
        QCOMPARE(nginx->kind, QStringLiteral("Deployment"));
        QCOMPARE(nginx->object, QStringLiteral("shop/web"));
        QCOMPARE(nginx->container, QStringLiteral("nginx"));
        QCOMPARE(nginx->cluster, QStringLiteral("berlin"));
        QCOMPARE(nginx->customer, QStringLiteral("acme"));
        QCOMPARE(nginx->line, 13);
        QVERIFY(nginx->ref.implicitDomain);
        QVERIFY(find(inv, QStringLiteral("quay.io/acme/migrate:2.1"))); // initContainers
        const ClientReference *busybox = find(inv, QStringLiteral("docker.io/library/busybox:1.36@") + digest(7));
        QVERIFY(busybox);
        QCOMPARE(busybox->kind, QStringLiteral("CronJob"));
        QVERIFY(find(inv, QStringLiteral("registry-1.docker.io/bitnami/postgresql:16")));
        QVERIFY(find(inv, QStringLiteral("k8s.gcr.io/pause:3.9")));
        QVERIFY(find(inv, QStringLiteral("localhost:5000/tools/debug:1"))); // ephemeralContainers
        const ClientReference *job = find(inv, QStringLiteral("gsoci.azurecr.io/giantswarm/kubectl:1.29.0"));
        QVERIFY(job);
        QCOMPARE(job->kind, QStringLiteral("Job")); // inside a List
        QVERIFY(!find(inv, QStringLiteral("docker.io/library/should-not-count:1")));
        // The bad name is a warning with its place, not a lost file.
        QCOMPARE(inv.warnings.size(), 1);
        QVERIFY2(inv.warnings.first().startsWith(QStringLiteral("w.yaml:")), qPrintable(inv.warnings.first()));
        QVERIFY(inv.warnings.first().contains(QStringLiteral("lower case")));
    }

    void kubectlDumpsGiveTheRunningDigest()
    {
        Inventory inv;
        readManifestText(kKubectlDump, QStringLiteral("pods.json"), ClientSource{QStringLiteral("berlin"), {}, {}, {}, {}}, &inv);
        QCOMPARE(inv.references.size(), 2);
        const ClientReference *nginx = find(inv, QStringLiteral("docker.io/library/nginx:1.25"));
        QVERIFY(nginx);
        QCOMPARE(nginx->runningDigest, digest(5));
        QCOMPARE(nginx->object, QStringLiteral("shop/web-1"));
        const ClientReference *busybox = find(inv, QStringLiteral("docker.io/library/busybox:latest"));
        QVERIFY(busybox);
        QVERIFY(busybox->runningDigest.isEmpty()); // a bare config digest is not a manifest's
    }

    void helmValuesInTheCommonShapes()
    {
        Inventory inv;
        readManifestText(kValues, QStringLiteral("values.yaml"), ClientSource{QStringLiteral("c"), {}, {}, {}, {}}, &inv);
        QVERIFY(find(inv, QStringLiteral("quay.io/prometheus/node-exporter:v1.7.0")));
        QVERIFY(find(inv, QStringLiteral("docker.io/bitnami/redis:7.2.4"))); // {registry, repository, tag}, empty digest ignored
        // {name, tag} without a registry takes global.imageRegistry.
        const ClientReference *op = find(inv, QStringLiteral("gsoci.azurecr.io/giantswarm/app-operator:6.2.0"));
        QVERIFY(op);
        QCOMPARE(op->object, QStringLiteral("controller.image"));
        QCOMPARE(op->kind, QStringLiteral("values"));
        // No tag: the chart's appVersion decides; listed without a tag, not as latest.
        const ClientReference *webhook = find(inv, QStringLiteral("gsoci.azurecr.io/giantswarm/webhook"));
        QVERIFY(webhook);
        QVERIFY(webhook->ref.tag.isEmpty());
        // `image: repo` with a sibling `tag:`.
        QVERIFY(find(inv, QStringLiteral("docker.io/envoyproxy/envoy:v1.29.1")));
        QCOMPARE(inv.references.size(), 5);
    }

    void fluxObjects()
    {
        Inventory inv;
        readManifestText(kFlux, QStringLiteral("flux.yaml"), ClientSource{QStringLiteral("c"), {}, {}, {}, {}}, &inv);
        QCOMPARE(inv.chartSources.size(), 3);
        QCOMPARE(inv.chartSources[0].oci, false);
        QCOMPARE(inv.chartSources[0].url, QStringLiteral("https://giantswarm.github.io/control-plane-catalog"));
        QCOMPARE(inv.chartSources[1].oci, true);
        QCOMPARE(inv.chartSources[2].kind, QStringLiteral("OCIRepository"));
        QVERIFY(find(inv, QStringLiteral("docker.io/giantswarm/manifests:1.0.0")));
        const ClientReference *kyverno = find(inv, QStringLiteral("docker.io/giantswarm/kyverno:1.11.0"));
        QVERIFY(kyverno);
        QCOMPARE(kyverno->kind, QStringLiteral("HelmRelease"));
        QCOMPARE(kyverno->object, QStringLiteral("kyverno/kyverno .image"));
    }

    void unreadableFilesAreWarnings()
    {
        QTemporaryDir dir;
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("a/ok.yaml")), kWorkloads));
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("a/broken.yaml")), "kind: [unclosed\n"));
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("a/notes.txt")), "image: nginx\n"));
        const Inventory inv = readInventory(
            {ClientSource{QStringLiteral("c"), {}, {dir.filePath(QStringLiteral("a")), dir.filePath(QStringLiteral("gone"))}, {}, {}}});
        QCOMPARE(inv.files, 2); // the .txt is not a manifest
        QCOMPARE(inv.references.size(), 8);
        QVERIFY(std::any_of(inv.warnings.begin(), inv.warnings.end(),
                            [](const QString &w) { return w.contains(QStringLiteral("broken.yaml")); }));
        QVERIFY(std::any_of(inv.warnings.begin(), inv.warnings.end(),
                            [](const QString &w) { return w.contains(QStringLiteral("no such file")); }));

        // A FIFO and a link to /dev/zero among the manifests, and a FIFO given by name: each is
        // named and refused at once (no wait for a writer, no endless read); the rest is read.
        QVERIFY(::mkfifo(QFile::encodeName(dir.filePath(QStringLiteral("a/pipe.yaml"))).constData(), 0600) == 0);
        QVERIFY(QFile::link(QStringLiteral("/dev/zero"), dir.filePath(QStringLiteral("a/zero.yaml"))));
        const Inventory hostile = readInventory({ClientSource{
            QStringLiteral("c"), {}, {dir.filePath(QStringLiteral("a")), dir.filePath(QStringLiteral("a/pipe.yaml"))}, {}, {}}});
        QCOMPARE(hostile.references.size(), 8);
        auto warned = [&](const QString &what) {
            return int(std::count_if(hostile.warnings.begin(), hostile.warnings.end(), [&](const QString &w) { return w.contains(what); }));
        };
        QCOMPARE(warned(QStringLiteral("pipe.yaml is a FIFO, not a regular file")), 2);
        QCOMPARE(warned(QStringLiteral("zero.yaml is a character device, not a regular file")), 1);

        // What a manifest writes is echoed printable and short: an image string with ESC, CR and LF
        // cannot forge a line on stderr, and a 10 MB one does not become a 10 MB warning.
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("b/forged.yaml")),
                                       "apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers:\n"
                                       "    - { name: a, image: \"nginx\\e[2J\\r\\nferryctl: all clean:1\" }\n"
                                       "    - { name: b, image: \"" +
                                           QByteArray(10'000'000, 'x') + "!\" }\n"));
        const Inventory forged = readInventory({ClientSource{QStringLiteral("c"), {}, {dir.filePath(QStringLiteral("b"))}, {}, {}}});
        QCOMPARE(forged.warnings.size(), 2);
        for (const QString &w : forged.warnings) {
            QVERIFY2(w.size() < 1000, qPrintable(w.left(200)));
            for (const QChar c : w)
                QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f, qPrintable(w.left(200)));
        }
        QVERIFY2(forged.warnings.join(u'|').contains(QStringLiteral("nginx\\x1b[2J\\x0d\\x0aferryctl")),
                 qPrintable(forged.warnings.join(u'|')));
        QVERIFY2(forged.warnings.join(u'|').contains(QStringLiteral("more characters")), qPrintable(forged.warnings.join(u'|').left(400)));

        // A "billion laughs" of YAML aliases in a values file: the walk stops at its budget and says
        // so; what came before the bomb is still read.
        QByteArray bomb = "image: nginx:1.25\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
        for (int i = 1; i < 9; ++i)
            bomb += QStringLiteral("l%1: &l%1 [*l%2, *l%2, *l%2, *l%2, *l%2, *l%2, *l%2, *l%2, *l%2, *l%2]\n").arg(i).arg(i - 1).toUtf8();
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("bomb/values.yaml")), bomb));
        const Inventory laughs = readInventory({ClientSource{QStringLiteral("c"), {}, {dir.filePath(QStringLiteral("bomb"))}, {}, {}}});
        QCOMPARE(laughs.references.size(), 1);
        QCOMPARE(laughs.warnings.size(), 1);
        QVERIFY2(laughs.warnings.first().contains(QStringLiteral("more than 1000000 values")), qPrintable(laughs.warnings.first()));

        // A hosts.toml that is a directory is a file containerd cannot use: rejected, and said so.
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("certs.d/docker.io/hosts.toml"))));
        const QList<HostsFile> hosts = readHostsDir(dir.filePath(QStringLiteral("certs.d")));
        QCOMPARE(hosts.size(), 1);
        QVERIFY(hosts.first().rejected);
        QVERIFY2(hosts.first().rejectReason.contains(QStringLiteral("is a directory")), qPrintable(hosts.first().rejectReason));
    }

    void hostsFilesAreReadInContainerdsOrder()
    {
        const HostsFile f = HostsFile::parse("server = \"https://gsoci.azurecr.io/v2/giantswarm\"\n"
                                             "override_path = true\n"
                                             "capabilities = [\"pull\", \"resolve\"]\n"
                                             "\n[host.\"https://second:5000\"]\n  capabilities = [\"pull\"]\n"
                                             "[host.\"http://first:5000\"] # written later, but its line decides\n"
                                             "  skip_verify = true\n  ca = [\"ca.pem\", '/abs/ca.pem']\n"
                                             "  [host.\"http://first:5000\".header]\n    x-origin = \"ferry\"\n",
                                             QStringLiteral("/etc/containerd/certs.d/docker.io/hosts.toml"), QStringLiteral("docker.io"));
        QVERIFY2(!f.rejected, qPrintable(f.rejectReason));
        QCOMPARE(f.hosts.size(), 3);
        QCOMPARE(f.hosts[0].host, QStringLiteral("second:5000"));
        QCOMPARE(f.hosts[0].capabilities, QStringList{QStringLiteral("pull")});
        QCOMPARE(f.hosts[1].host, QStringLiteral("first:5000"));
        QCOMPARE(f.hosts[1].scheme, QStringLiteral("http"));
        QCOMPARE(f.hosts[1].skipVerify, std::optional<bool>(true));
        QCOMPARE(f.hosts[1].ca, (QStringList{QStringLiteral("/etc/containerd/certs.d/docker.io/ca.pem"), QStringLiteral("/abs/ca.pem")}));
        QCOMPARE(f.hosts[1].header.value(QStringLiteral("x-origin")), QStringList{QStringLiteral("ferry")});
        QCOMPARE(f.hosts[1].capabilities.size(), 3); // none written: all three, push included
        QVERIFY(f.hosts[2].isServer);
        QCOMPARE(f.hosts[2].path, QStringLiteral("/v2/giantswarm")); // override_path: as written
        QCOMPARE(f.hosts[2].manifestUrl(QStringLiteral("library/nginx"), QStringLiteral("1.25"), QStringLiteral("docker.io")),
                 QStringLiteral("https://gsoci.azurecr.io/v2/giantswarm/library/nginx/manifests/1.25"));
        QCOMPARE(f.hosts[0].manifestUrl(QStringLiteral("library/nginx"), QStringLiteral("1.25"), QStringLiteral("docker.io")),
                 QStringLiteral("https://second:5000/v2/library/nginx/manifests/1.25?ns=docker.io"));
    }

    void filesContainerdDropsAreRejected_data()
    {
        QTest::addColumn<QByteArray>("toml");
        QTest::addColumn<QString>("reason");
        QTest::newRow("duplicate table") << QByteArray("[host.\"https://a\"]\n[host.\"https://a\"]\n") << "duplicated tables";
        QTest::newRow("duplicate key") << QByteArray("[host.\"https://a\"]\nca = \"x\"\nca = \"y\"\n") << "already defined";
        QTest::newRow("unknown capability") << QByteArray("[host.\"https://a\"]\ncapabilities = [\"pull\", \"fetch\"]\n")
                                            << "unknown capability fetch";
        QTest::newRow("no host table") << QByteArray("server = \"https://gsoci.azurecr.io\"\n") << "invalid `host` tree";
        QTest::newRow("syntax") << QByteArray("[host.\"https://a\"\n") << "expected ']'";
        QTest::newRow("wrong type") << QByteArray("[host.\"https://a\"]\nskip_verify = \"yes\"\n") << "skip_verify";
        // What Go's url.Parse refuses makes containerd drop the whole file: lint said "0 findings".
        QTest::newRow("space in a host URL") << QByteArray("[host.\"https://cache .local:5000\"]\n") << "has a space";
        QTest::newRow("empty host") << QByteArray("[host.\"https://\"]\n") << "names no host";
        QTest::newRow("empty host key") << QByteArray("[host.\"\"]\n") << "names no host";
        QTest::newRow("control character in the server")
            << QByteArray("server = \"https://gsoci\t.io\"\n[host.\"https://a\"]\n") << "server 'https://gsoci\\x09.io' has a control";
        // 100,000 nested arrays or inline tables: refused at a depth limit (it was a stack overflow).
        QTest::newRow("deep arrays") << "[host.\"https://a\"]\nx = " + QByteArray(100'000, '[') + QByteArray(100'000, ']') + "\n"
                                     << "nest deeper than 32 levels";
        QByteArray tables = "[host.\"https://a\"]\nx = ";
        for (int i = 0; i < 100'000; ++i)
            tables += "{a = ";
        QTest::newRow("deep inline tables") << tables + "1" + QByteArray(100'000, '}') + "\n"
                                            << "nest deeper than 32 levels";
    }
    void filesContainerdDropsAreRejected()
    {
        QFETCH(QByteArray, toml);
        QFETCH(QString, reason);
        const HostsFile f = HostsFile::parse(toml, QStringLiteral("hosts.toml"), QStringLiteral("docker.io"));
        QVERIFY(f.rejected);
        QVERIFY2(f.rejectReason.contains(reason), qPrintable(f.rejectReason));
    }

    void resolutionFallsBackAsContainerdDoes()
    {
        QTemporaryDir dir;
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("127.0.0.1_5000_/hosts.toml")), "[host.\"http://127.0.0.1:6000\"]\n"));
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("quay.io/hosts.toml")), "[host.\"https://a\"]\n[host.\"https://a\"]\n"));
        QString source;
        QList<HostEntry> hosts = resolveHosts(QStringLiteral("127.0.0.1:5000"), dir.path(), &source);
        QCOMPARE(hosts.size(), 2);
        QCOMPARE(hosts[0].host, QStringLiteral("127.0.0.1:6000"));
        QCOMPARE(hosts[1].host, QStringLiteral("127.0.0.1:5000")); // no server: the namespace itself
        QVERIFY(source.endsWith(QStringLiteral("127.0.0.1_5000_/hosts.toml")));
        // A rejected file: the default host, as containerd does after "failed to decode hosts.toml".
        hosts = resolveHosts(QStringLiteral("quay.io"), dir.path(), &source);
        QCOMPARE(hosts.size(), 1);
        QCOMPARE(hosts[0].host, QStringLiteral("quay.io"));
        QVERIFY(source.isEmpty());
        hosts = resolveHosts(QStringLiteral("docker.io"), dir.path());
        QCOMPARE(hosts[0].host, QStringLiteral("registry-1.docker.io"));
        // _default catches every namespace without its own directory.
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("_default/hosts.toml")), "[host.\"https://mirror\"]\n"));
        hosts = resolveHosts(QStringLiteral("docker.io"), dir.path());
        QCOMPARE(hosts[0].host, QStringLiteral("mirror"));
        QCOMPARE(namespaceOfDirectory(QStringLiteral("127.0.0.1_5000_")), QStringLiteral("127.0.0.1:5000"));
        QCOMPARE(namespaceOfDirectory(QStringLiteral("docker.io")), QStringLiteral("docker.io"));
    }

    void generatedHostsPutTheCacheFirstAndTheTargetLast()
    {
        QTemporaryDir dir;
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("ca.pem")), "x"));
        QString error;
        const auto plan = Plan::parse(planText(dir.path(), {}), dir.filePath(QStringLiteral("plan.yaml")), &error);
        QVERIFY2(plan, qPrintable(error));
        const QList<GeneratedHosts> generated = generateHosts(*plan);
        QCOMPARE(generated.size(), 3); // docker.io, quay.io, old.example:5000
        const GeneratedHosts &hub = generated[0];
        QCOMPARE(hub.ns, QStringLiteral("docker.io"));
        // library/nginx -> giantswarm/nginx does not keep its name: a note, not a wrong file.
        QCOMPARE(hub.notes.size(), 1);
        QVERIFY2(hub.notes.first().contains(QStringLiteral("library/nginx -> giantswarm/nginx")), qPrintable(hub.notes.first()));
        const HostsFile back = HostsFile::parse(hub.toml.toUtf8(), dir.filePath(QStringLiteral("docker.io/hosts.toml")), hub.ns);
        QVERIFY2(!back.rejected, qPrintable(back.rejectReason + u'\n' + hub.toml));
        QCOMPARE(back.hosts.size(), 2);
        QCOMPARE(back.hosts[0].host, QStringLiteral("cache.local:5000"));
        QCOMPARE(back.hosts[0].capabilities, (QStringList{QStringLiteral("pull"), QStringLiteral("resolve")}));
        QVERIFY(back.hosts[1].isServer);
        QCOMPARE(back.hosts[1].host, QStringLiteral("gsoci.azurecr.io"));
        QCOMPARE(back.hosts[1].ca, QStringList{dir.filePath(QStringLiteral("ca.pem"))});
        QVERIFY(back.findings.isEmpty());
        // quay: acme/migrate keeps its name; old: the target's names.
        QCOMPARE(generated[1].ns, QStringLiteral("quay.io"));
        QVERIFY(generated[1].notes.isEmpty());
        QCOMPARE(generated[2].directory, QStringLiteral("old.example_5000_"));
        // Linting what was generated finds nothing.
        for (const GeneratedHosts &g : generated)
            QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("certs.d/%1/hosts.toml").arg(g.directory)), g.toml.toUtf8()));
        const QList<HostsFinding> findings = lintHostsDir(dir.filePath(QStringLiteral("certs.d")), &*plan, nullptr, nullptr);
        QVERIFY2(findings.isEmpty(), qPrintable(findings.value(0).message));
    }

    void aPrefixMappingBecomesAnOverridePath()
    {
        QTemporaryDir dir;
        QString error;
        const auto plan =
            Plan::parse("version: 1\nregistries:\n"
                        "  hub:   { url: https://registry-1.docker.io, kind: dockerhub, role: source, credentials: anonymous }\n"
                        "  gsoci: { url: https://gsoci.azurecr.io, role: target, credentials: anonymous }\n"
                        "images:\n"
                        "  - { source: hub/library/nginx, target: gsoci/dockerhub/library/nginx }\n"
                        "  - { source: hub/bitnami/redis, target: gsoci/dockerhub/bitnami/redis }\n",
                        dir.filePath(QStringLiteral("p.yaml")), &error);
        QVERIFY2(plan, qPrintable(error));
        const QList<GeneratedHosts> generated = generateHosts(*plan);
        QCOMPARE(generated.size(), 1);
        QVERIFY(generated[0].notes.first().contains(QStringLiteral("without a [host] table"))); // no cache: the target is a host too
        const HostsFile back = HostsFile::parse(generated[0].toml.toUtf8(), QStringLiteral("hosts.toml"), QStringLiteral("docker.io"));
        QVERIFY2(!back.rejected, qPrintable(back.rejectReason));
        QCOMPARE(back.hosts[0].manifestUrl(QStringLiteral("library/nginx"), QStringLiteral("1"), QStringLiteral("docker.io")),
                 QStringLiteral("https://gsoci.azurecr.io/v2/dockerhub/library/nginx/manifests/1?ns=docker.io"));
        QCOMPARE(back.hosts.last().path, QStringLiteral("/v2/dockerhub"));
    }

    void aStandInNamesTheHostClientsWrite()
    {
        QString error;
        const auto plan =
            Plan::parse("version: 1\nregistries:\n"
                        "  hub:   { url: https://127.0.0.1:5000, role: source, client-name: Docker.io, credentials: anonymous }\n"
                        "  gsoci: { url: https://127.0.0.1:5001, role: target, credentials: anonymous }\n"
                        "images:\n  - { source: hub/giantswarm/app, target: gsoci/giantswarm/app }\n",
                        QStringLiteral("p.yaml"), &error);
        QVERIFY2(plan, qPrintable(error));
        const PlanRegistry *hub = planRegistryForDomain(*plan, QStringLiteral("docker.io"));
        QVERIFY(hub);
        QCOMPARE(hub->name, QStringLiteral("hub"));
        QCOMPARE(planRegistryForDomain(*plan, QStringLiteral("127.0.0.1:5001"))->name, QStringLiteral("gsoci"));
        const QList<GeneratedHosts> generated = generateHosts(*plan);
        QCOMPARE(generated.size(), 1);
        QCOMPARE(generated.first().directory, QStringLiteral("docker.io"));
    }

    void lintFindsWhatBreaksClusters()
    {
        QTemporaryDir dir;
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("ca.pem")), "x"));
        QString error;
        const auto plan = Plan::parse(planText(dir.path(), {}), dir.filePath(QStringLiteral("plan.yaml")), &error);
        QVERIFY2(plan, qPrintable(error));
        const QString certs = dir.filePath(QStringLiteral("certs.d"));
        // docker.io: typo'd key (so push is allowed), and no server: after the cache, Docker Hub.
        QVERIFY(ferry::test::writeFile(certs + QStringLiteral("/docker.io/hosts.toml"),
                                       "[host.\"https://cache.local:5000\"]\n  capabilites = [\"pull\"]\n  ca = \"\"\n"));
        // quay.io: two tables for one host: containerd drops the file.
        QVERIFY(ferry::test::writeFile(
            certs + QStringLiteral("/quay.io/hosts.toml"),
            "server = \"https://gsoci.azurecr.io\"\n[host.\"https://cache.local:5000\"]\n[host.\"https://cache.local:5000\"]\n"));
        // the old registry: a plain-HTTP host nobody knows, a missing CA file.
        QVERIFY(ferry::test::writeFile(
            certs + QStringLiteral("/old.example_5000_/hosts.toml"),
            "server = \"https://gsoci.azurecr.io\"\n[host.\"http://10.1.2.3:5000\"]\n  capabilities = [\"pull\", \"resolve\"]\n"
            "  ca = \"missing.pem\"\n"));
        const QList<HostsFinding> findings = lintHostsDir(certs, &*plan, nullptr, nullptr);
        QStringList codes;
        for (const HostsFinding &f : findings)
            codes << QFileInfo(f.file).dir().dirName() + u'/' + f.code;
        codes.sort();
        QCOMPARE(codes,
                 (QStringList{QStringLiteral("docker.io/ca-missing"), QStringLiteral("docker.io/no-fallback"),
                              QStringLiteral("docker.io/no-server"), QStringLiteral("docker.io/push-on-mirror"),
                              QStringLiteral("docker.io/unknown-key"), QStringLiteral("old.example_5000_/ca-missing"),
                              QStringLiteral("old.example_5000_/http-host"), QStringLiteral("quay.io/rejected")}));
        for (const HostsFinding &f : findings)
            if (f.code == u"rejected") {
                QVERIFY2(f.message.contains(QStringLiteral("pulls of quay.io go to quay.io instead")), qPrintable(f.message));
                QCOMPARE(f.line, 3);
            }
    }

    void referencesJoinTheMatrix()
    {
        QTemporaryDir dir;
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("ca.pem")), "x"));
        // berlin pulls docker.io through the cache and gsoci; hamburg has no mirror config.
        QVERIFY(ferry::test::writeFile(
            dir.filePath(QStringLiteral("berlin/certs.d/docker.io/hosts.toml")),
            "server = \"https://gsoci.azurecr.io\"\n[host.\"https://cache.local:5000\"]\n  capabilities = [\"pull\", \"resolve\"]\n"));
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("berlin/apps.yaml")), kWorkloads));
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("hamburg/pods.json")), kKubectlDump));
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("hamburg/values.yaml")), kValues));
        QString error;
        const auto plan =
            Plan::parse(planText(dir.path(),
                                 QStringLiteral("clients:\n"
                                                "  - { cluster: berlin, paths: berlin/apps.yaml, hosts-dir: berlin/certs.d }\n"
                                                "  - { cluster: hamburg, customer: acme, paths: [hamburg] }\n")),
                        dir.filePath(QStringLiteral("plan.yaml")), &error);
        QVERIFY2(plan, qPrintable(error));
        QCOMPARE(plan->clients.size(), 2);
        QCOMPARE(plan->clients[1].customer, QStringLiteral("acme"));

        Store store(dir.filePath(QStringLiteral("s.db")));
        QVERIFY(store.open(&error));
        const QDateTime at = QDateTime::currentDateTimeUtc();
        const qint64 scan = HistoryTables(store).beginScan(QStringLiteral("plan.yaml"), at);
        auto cell = [](const QString &d) {
            return MatrixCell{d, d.isEmpty() ? QStringLiteral("missing") : QStringLiteral("synced"), {}, {}, {}, {}};
        };
        auto row = [&](const QString &repo, const QString &tag, const QString &hub, const QString &gsoci) {
            MatrixRow r{repo, tag, QStringLiteral("synced"), {}, true, {}};
            r.cells.insert(QStringLiteral("dockerhub"), cell(hub));
            r.cells.insert(QStringLiteral("gsoci"), cell(gsoci));
            return r;
        };
        QVERIFY(
            MatrixTables(store).writeMatrix(scan,
                                            {row(QStringLiteral("giantswarm/app-operator"), QStringLiteral("6.1.0"), digest(1), digest(1)),
                                             row(QStringLiteral("giantswarm/nginx"), QStringLiteral("latest"), digest(2), digest(9)),
                                             row(QStringLiteral("giantswarm/nginx"), QStringLiteral("1.25"), digest(5), digest(5)),
                                             row(QStringLiteral("acme/migrate"), QStringLiteral("2.1"), digest(3), QString()),
                                             row(QStringLiteral("giantswarm/kubectl"), QStringLiteral("1.29.0"), QString(), QString())},
                                            {QStringLiteral("giantswarm/app-operator")}));
        HistoryTables(store).applyListing(scan, QStringLiteral("gsoci"), QStringLiteral("giantswarm/app-operator"),
                                          {TagObservation{QStringLiteral("6.2.0"), digest(6), {}, {}, {}}}, true, at);

        const Inventory inv = readInventory(plan->clients);
        const RefJoin join = joinReferences(*plan, inv, &store);
        auto state = [&](const QString &canonical, const QString &cluster = QStringLiteral("berlin")) {
            for (const JoinedReference &j : join.references)
                if (j.ref.ref.canonical() == canonical && j.ref.cluster == cluster)
                    return refStateName(j.state);
            return QStringLiteral("(not found)");
        };
        QCOMPARE(state(QStringLiteral("docker.io/giantswarm/app-operator:6.1.0")), QStringLiteral("switch-ready"));
        QCOMPARE(state(QStringLiteral("docker.io/library/nginx:latest")), QStringLiteral("drifted"));
        QCOMPARE(state(QStringLiteral("quay.io/acme/migrate:2.1")), QStringLiteral("copy-first"));
        QCOMPARE(state(QStringLiteral("gsoci.azurecr.io/giantswarm/kubectl:1.29.0")), QStringLiteral("missing-on-target"));
        QCOMPARE(state(QStringLiteral("k8s.gcr.io/pause:3.9")), QStringLiteral("outside-plan"));
        QCOMPARE(state(QStringLiteral("registry-1.docker.io/bitnami/postgresql:16")), QStringLiteral("outside-plan"));
        // The running digest decides over the source's current one.
        QCOMPARE(state(QStringLiteral("docker.io/library/nginx:1.25"), QStringLiteral("hamburg")), QStringLiteral("switch-ready"));
        QCOMPARE(state(QStringLiteral("gsoci.azurecr.io/giantswarm/app-operator:6.2.0"), QStringLiteral("hamburg")),
                 QStringLiteral("switched"));
        QCOMPARE(state(QStringLiteral("gsoci.azurecr.io/giantswarm/webhook"), QStringLiteral("hamburg")), QStringLiteral("no-tag"));
        QCOMPARE(state(QStringLiteral("docker.io/library/busybox:latest"), QStringLiteral("hamburg")), QStringLiteral("not-scanned"));
        // How each reads in every face: something to do is a warning, a pull that fails or a
        // switch that must not happen an error.
        QCOMPARE(refStateSeverity(RefState::SwitchReady), Severity::Ok);
        QCOMPARE(refStateSeverity(RefState::CopyFirst), Severity::Warning);
        QCOMPARE(refStateSeverity(RefState::NotScanned), Severity::Warning);
        QCOMPARE(refStateSeverity(RefState::Drifted), Severity::Error);
        QCOMPARE(refStateSeverity(RefState::MissingOnTarget), Severity::Error);
        QCOMPARE(refStateSeverity(RefState::OutsidePlan), Severity::Muted);
        // Where they pull from today: berlin's docker.io goes to the cache, hamburg's to Docker Hub.
        const JoinedReference *berlinOp = find(join, QStringLiteral("docker.io/giantswarm/app-operator:6.1.0"));
        QVERIFY(berlinOp);
        QCOMPARE(berlinOp->pullsFrom, QStringLiteral("cache"));
        QCOMPARE(join.byCluster.value(QStringLiteral("hamburg")).value(QStringLiteral("dockerhub")).first, 4);
        QCOMPARE(join.byCluster.value(QStringLiteral("berlin")).value(QStringLiteral("quay")).first, 1);
        // registry-1.docker.io is Docker Hub, but containerd does not read certs.d/docker.io for it.
        const JoinedReference *pg = find(join, QStringLiteral("registry-1.docker.io/bitnami/postgresql:16"));
        QVERIFY(pg);
        QCOMPARE(pg->pullsFrom, QStringLiteral("dockerhub"));

        // What cleanup must hold back: hamburg runs nginx digest 5 pulled from Docker Hub; the
        // target's copy (mapped to giantswarm/nginx) and the cache's are the ones a switch pulls.
        const QList<ReferenceHold> holds = referenceHolds(*plan, join);
        auto holding = [&](const QString &registry, const QString &repository, const QString &kind, const QString &value) {
            QStringList where;
            for (const ReferenceHold &h : holds)
                if (h.registry == registry && h.repository == repository && h.kind == kind && h.value == value)
                    where << h.text();
            return where;
        };
        for (const auto &[registry, repository] : {std::pair{QStringLiteral("dockerhub"), QStringLiteral("library/nginx")},
                                                   std::pair{QStringLiteral("gsoci"), QStringLiteral("giantswarm/nginx")},
                                                   std::pair{QStringLiteral("cache"), QStringLiteral("giantswarm/nginx")}})
            QCOMPARE(holding(registry, repository, QStringLiteral("runs"), digest(5)),
                     QStringList{QStringLiteral("runs in hamburg, pods.json:9")});
        QVERIFY(holding(QStringLiteral("old"), QStringLiteral("giantswarm/nginx"), QStringLiteral("runs"), digest(5)).isEmpty());
        // berlin's app-operator tag, through its cache mirror: Docker Hub, the cache and gsoci.
        for (const QString &registry : {QStringLiteral("dockerhub"), QStringLiteral("cache"), QStringLiteral("gsoci")})
            QCOMPARE(holding(registry, QStringLiteral("giantswarm/app-operator"), QStringLiteral("tag"), QStringLiteral("6.1.0")).size(),
                     1);
        // They are kept per refs scan; cleanup asks the last one, and the oldest are pruned.
        qint64 first = 0, last = 0;
        QVERIFY(ClientTables(store).recordRefsScan(RefsScanInfo{0, at, QStringLiteral("berlin,hamburg"), int(inv.references.size()), 0},
                                                   holds, &first));
        for (int i = 0; i < 5; ++i)
            QVERIFY(ClientTables(store).recordRefsScan(
                RefsScanInfo{0, at.addSecs(i + 1), QStringLiteral("berlin"), 1, 0},
                {ReferenceHold{QStringLiteral("gsoci"), QStringLiteral("team/app"), QStringLiteral("pins"), digest(7),
                               QStringLiteral("berlin"), QStringLiteral("a.yaml"), i + 1}},
                &last));
        const auto info = ClientTables(store).lastRefsScan();
        QVERIFY(info);
        QCOMPARE(info->id, last);
        QCOMPARE(info->holds, 1);
        QCOMPARE(info->clusters, QStringLiteral("berlin"));
        QCOMPARE(ClientTables(store).referenceHolds(QStringLiteral("gsoci"), QStringLiteral("team/app")).size(), 1);
        QCOMPARE(ClientTables(store).referenceHolds(QStringLiteral("gsoci"), QStringLiteral("team/app")).first().line, 5);
        QVERIFY(ClientTables(store).referenceHolds(QStringLiteral("gsoci"), QStringLiteral("giantswarm/nginx")).isEmpty());
        QVERIFY(ClientTables(store).referenceHolds(QStringLiteral("gsoci"), QStringLiteral("giantswarm/nginx"), first).isEmpty()); // pruned

        // The burn-down is kept per cluster and registry.
        QVERIFY(ClientTables(store).recordClientCounts({ClientCount{at, QStringLiteral("berlin"), QStringLiteral("dockerhub"), 3, 1}}));
        QCOMPARE(ClientTables(store).clientCountHistory().size(), 1);
        QCOMPARE(ClientTables(store).clientCountHistory().first().switchReady, 1);

        // Lint with the join: gsoci, the server, lacks giantswarm/... no: docker.io paths are kept,
        // so gsoci is asked for library/nginx, which it does not hold under that name.
        const QList<HostsFinding> findings = lintHostsDir(dir.filePath(QStringLiteral("berlin/certs.d")), &*plan, &join, &store);
        QVERIFY(std::any_of(findings.begin(), findings.end(), [](const HostsFinding &f) {
            return f.code == u"host-lacks-tag" && f.message.contains(QStringLiteral("library/nginx:latest"));
        }));
        // explain: the cache, then gsoci, and what each holds.
        const auto ref = ClientRef::parse(QStringLiteral("giantswarm/app-operator:6.2.0"), &error);
        const Explanation e = explainReference(*ref, dir.filePath(QStringLiteral("berlin/certs.d")), &*plan, &store);
        QCOMPARE(e.hosts.size(), 2);
        QCOMPARE(e.hosts[0].planRegistry, QStringLiteral("cache"));
        QVERIFY(e.hosts[0].holds.startsWith(QStringLiteral("absent (a cache")));
        QCOMPARE(e.hosts[1].planRegistry, QStringLiteral("gsoci"));
        QCOMPARE(e.hosts[1].holds, digest(6));
    }
};

FERRY_TEST_MAIN(TestClients)
#include "tst_clients.moc"
