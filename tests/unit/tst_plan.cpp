// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/duration.h"
#include "parse/inputfile.h"
#include "plan/plan.h"
#include "parse/semver.h"
#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <sys/stat.h>

using namespace ferry;

class TestPlan : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &text)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(text);
        return path;
    }

private Q_SLOTS:
    void semver_data()
    {
        QTest::addColumn<QString>("constraint");
        QTest::addColumn<QString>("version");
        QTest::addColumn<bool>("matches");
        const struct
        {
            const char *c, *v;
            bool m;
        } cases[] = {
            {">= 1.2.0", "1.2.0", true},
            {">= 1.2.0", "1.1.9", false},
            {">= 1.2.0", "v1.3.0", true},
            {">= 1.2.0", "1.3.0-rc.1", false},
            {">= 1.2.0", "2.0.0", true},
            {">= v1.11.2", "v1.11.10", true},
            {"~1.2.3", "1.2.3", true},
            {"~1.2.3", "1.2.9", true},
            {"~1.2.3", "1.3.0", false},
            {"^1.2.3", "1.9.0", true},
            {"^1.2.3", "2.0.0", false},
            {"^1.2.3", "1.2.2", false},
            {"^0.2.3", "0.2.9", true},
            {"^0.2.3", "0.3.0", false},
            {"1.2 - 1.4.5", "1.2.0", true},
            {"1.2 - 1.4.5", "1.4.5", true},
            {"1.2 - 1.4.5", "1.4.6", false},
            {"v3.1.1 - v3.4.0", "v3.2.0", true},
            {"v3.1.1 - v3.4.0", "v3.4.1", false},
            {"v3.1.1 - v3.4.0", "3.1.0", false},
            {"1.2.x", "1.2.7", true},
            {"1.2.x", "1.3.0", false},
            {"1.x", "1.9.9", true},
            {">= 1.2, < 2.0", "1.9.9", true},
            {">= 1.2, < 2.0", "2.0.0", false},
            {">=1.2 <2.0", "1.5.0", true},
            {">= 1.0 || 0.5.x", "0.5.1", true},
            {">= 1.0 || 0.5.x", "0.6.0", false},
            {">= 1.2.0-alpha", "1.2.0-beta", true},
            {">= 1.2.0-alpha", "1.3.0-beta", false},
            {"!= 1.2.3", "1.2.4", true},
            {"!= 1.2.3", "1.2.3", false},
            {"*", "1.0.0", true},
            {"*", "1.0.0-dev", false},
            {">= 1.0.0", "latest", false},
            {">= 1.0.0", "1.0.0-dev.main.2023-10-12.09-15-01.habcdef0", false},
            {"> 1.2", "1.2.9", false},
            {"> 1.2", "1.3.0", true},
            {"<= 1.2", "1.2.9", true},
            {"<= 1.2", "1.3.0", false},
        };
        for (const auto &c : cases)
            QTest::addRow("%s | %s", c.c, c.v) << QString::fromLatin1(c.c) << QString::fromLatin1(c.v) << c.m;
    }
    void semver()
    {
        QFETCH(QString, constraint);
        QFETCH(QString, version);
        QString err;
        const auto c = SemverConstraint::parse(constraint, &err);
        QVERIFY2(c.has_value(), qPrintable(err));
        QTEST(c->matches(QStringView(version)), "matches");
    }
    void semverOrdering()
    {
        const QStringList ordered{QStringLiteral("1.0.0-alpha"), QStringLiteral("1.0.0-alpha.1"), QStringLiteral("1.0.0-alpha.beta"),
                                  QStringLiteral("1.0.0-beta"),  QStringLiteral("1.0.0-beta.2"),  QStringLiteral("1.0.0-beta.11"),
                                  QStringLiteral("1.0.0-rc.1"),  QStringLiteral("1.0.0")};
        for (int i = 1; i < ordered.size(); ++i)
            QVERIFY2(SemVersion::parse(ordered[i - 1])->compare(*SemVersion::parse(ordered[i])) < 0, qPrintable(ordered[i]));
        QString err;
        QVERIFY(!SemverConstraint::parse(QStringLiteral(">= banana"), &err));
        QVERIFY(err.contains(QStringLiteral("banana")));
    }

    void globs()
    {
        QVERIFY(repositoryGlobMatches(QStringLiteral("giantswarm/*"), QStringLiteral("giantswarm/app")));
        QVERIFY(!repositoryGlobMatches(QStringLiteral("giantswarm/*"), QStringLiteral("giantswarm/a/b")));
        QVERIFY(repositoryGlobMatches(QStringLiteral("giantswarm/**"), QStringLiteral("giantswarm/a/b")));
        QVERIFY(!repositoryGlobMatches(QStringLiteral("giantswarm/*"), QStringLiteral("other/app")));
        QVERIFY(repositoryGlobMatches(QStringLiteral("charts/app-*"), QStringLiteral("charts/app-operator")));
    }

    void fullPlan()
    {
        write(QStringLiteral("skopeo-docker-io.yaml"),
              "docker.io:\n  images:\n    alpine: [\"3.18\", \"sha256:0000000000000000000000000000000000000000000000000000000000000000\"]\n"
              "    giantswarm/kubectl: []\n  images-by-tag-regex:\n    bitnami/redis: '^7\\.'\n  images-by-semver:\n    cilium/cilium: "
              "\">= v1.15.0\"\n");
        const QString path =
            write(QStringLiteral("plan.yaml"),
                  "version: 1\n"
                  "name: leave-docker-hub\n"
                  "registries:\n"
                  "  dockerhub: { url: https://registry-1.docker.io, kind: dockerhub, role: source, credentials: docker-config }\n"
                  "  gsoci:     { url: https://gsoci.azurecr.io, kind: acr, role: target, concurrency: 16, rate: 50, http2: false }\n"
                  "  china:     { url: https://giantswarm-registry.cn-shanghai.cr.aliyuncs.com, role: replica, of: gsoci, lag-slo: 2h, "
                  "ca-file: china-ca.pem }\n"
                  "  cache-eu:  { url: http://10.0.0.5:5000, role: cache, of: gsoci }\n"
                  "  old-acr:   { url: https://giantswarm.azurecr.io, kind: acr, role: legacy, credentials: { username-env: OLD_USER, "
                  "password-env: OLD_PASS } }\n"
                  "images:\n"
                  "  - source: dockerhub/giantswarm/app-operator\n"
                  "    target: gsoci/giantswarm/app-operator\n"
                  "    tags: { semver: \">= 6.0.0\" }\n"
                  "  - skopeo-sync: skopeo-docker-io.yaml\n"
                  "    source: dockerhub\n"
                  "    target: gsoci/giantswarm\n"
                  "  - repositories: gsoci/giantswarm/*\n"
                  "    tags: { regex: '^v?\\d+\\.\\d+\\.\\d+$' }\n");
        QString err;
        const auto plan = Plan::load(path, &err);
        QVERIFY2(plan.has_value(), qPrintable(err));
        QCOMPARE(plan->name, QStringLiteral("leave-docker-hub"));
        QCOMPARE(plan->registries.size(), 5);
        const PlanRegistry *gsoci = plan->registry(QStringLiteral("gsoci"));
        QCOMPARE(gsoci->config.kind, QStringLiteral("acr"));
        QCOMPARE(gsoci->config.concurrency, 16);
        QCOMPARE(gsoci->config.requestsPerSecond, 50.0);
        QCOMPARE(gsoci->role, RegistryRole::Target);
        QVERIFY(!gsoci->config.http2);
        QVERIFY(plan->registry(QStringLiteral("china"))->config.http2); // offered unless the plan says no
        const PlanRegistry *china = plan->registry(QStringLiteral("china"));
        QCOMPARE(china->lagSloSeconds, 7200);
        QCOMPARE(china->config.caFile, m_dir.filePath(QStringLiteral("china-ca.pem")));
        QVERIFY(plan->registry(QStringLiteral("cache-eu"))->config.insecure); // http:// means plain HTTP
        QCOMPARE(plan->registry(QStringLiteral("old-acr"))->credentials, QStringLiteral("env:OLD_USER:OLD_PASS"));
        QCOMPARE(plan->registry(QStringLiteral("dockerhub"))->config.apiUrl.toString(), QStringLiteral("https://hub.docker.com"));
        QCOMPARE(plan->followersOf(QStringLiteral("gsoci"), RegistryRole::Replica), QStringList{QStringLiteral("china")});

        // 1 mapping + 4 imported + 1 repositories entry; the digest pin is left out with a warning.
        QCOMPARE(plan->images.size(), 6);
        const ImageSet &imported = plan->images[1];
        QCOMPARE(imported.sourceRepository, QStringLiteral("library/alpine"));
        QCOMPARE(imported.targetRepository, QStringLiteral("giantswarm/alpine"));
        QCOMPARE(imported.tags.list, QStringList{QStringLiteral("3.18")});
        QVERIFY(plan->warnings.join(u' ').contains(QStringLiteral("pinned by digest")));
        QCOMPARE(plan->images[2].tags.kind, TagFilter::Kind::All); // [] means every tag
        QVERIFY(plan->images[3].tags.matches(QStringLiteral("7.2.1")));
        QVERIFY(!plan->images[3].tags.matches(QStringLiteral("6.2.1")));
        QVERIFY(plan->images[4].tags.matches(QStringLiteral("v1.15.2")));
        QVERIFY(!plan->images[4].tags.matches(QStringLiteral("v1.14.9")));
        QCOMPARE(plan->images[5].kind, ImageSet::Kind::Repositories);
        QVERIFY(plan->images[5].tags.matches(QStringLiteral("v1.2.3")));
        QVERIFY(!plan->images[5].tags.matches(QStringLiteral("1.2.3-dev")));
    }

    // The window's first run imports a retagger file into a plan that loads as it is.
    void firstPlanFromSkopeoSync()
    {
        QDir().mkpath(m_dir.filePath(QStringLiteral("first")));
        const QString sync = write(QStringLiteral("first/skopeo-docker-io.yaml"),
                                   "docker.io:\n  images:\n    alpine: [\"3.18\"]\n    giantswarm/kubectl: []\n");
        QString error;
        const auto yaml = planFromSkopeoSync(sync, QStringLiteral("https://gsoci.azurecr.io"), QStringLiteral("/giantswarm/"), &error);
        QVERIFY2(yaml, qPrintable(error));
        const QString planPath = write(QStringLiteral("first/plan.yaml"), *yaml);
        const auto plan = Plan::load(planPath, &error);
        QVERIFY2(plan, qPrintable(error + QStringLiteral("\n") + QString::fromUtf8(*yaml)));
        QCOMPARE(plan->registry(QStringLiteral("source"))->config.baseUrl.host(), QStringLiteral("registry-1.docker.io"));
        QCOMPARE(plan->registry(QStringLiteral("source"))->clientName, QStringLiteral("docker.io"));
        QCOMPARE(plan->registry(QStringLiteral("target"))->config.baseUrl.host(), QStringLiteral("gsoci.azurecr.io"));
        QCOMPARE(plan->images.size(), 2);
        QCOMPARE(plan->images.at(0).sourceRepository, QStringLiteral("library/alpine"));
        QCOMPARE(plan->images.at(0).targetRepository, QStringLiteral("giantswarm/alpine"));
        QCOMPARE(plan->images.at(1).targetRegistry, QStringLiteral("target"));
        // Refused: a target that is not a host, a file with two registries, a file that is not one.
        QVERIFY(!planFromSkopeoSync(sync, QStringLiteral("gsoci.azurecr.io/giantswarm"), QString(), &error));
        QVERIFY2(error.contains(u"host name"), qPrintable(error));
        write(QStringLiteral("first/two.yaml"), "docker.io:\n  images: {a: []}\nquay.io:\n  images: {b: []}\n");
        QVERIFY(
            !planFromSkopeoSync(m_dir.filePath(QStringLiteral("first/two.yaml")), QStringLiteral("gsoci.azurecr.io"), QString(), &error));
        QVERIFY2(error.contains(u"names 2 registries"), qPrintable(error));
        write(QStringLiteral("first/list.yaml"), "- a\n- b\n");
        QVERIFY(
            !planFromSkopeoSync(m_dir.filePath(QStringLiteral("first/list.yaml")), QStringLiteral("gsoci.azurecr.io"), QString(), &error));
        QVERIFY2(error.contains(u"not a skopeo-sync file"), qPrintable(error));
    }

    // Every file Ferry reads as input is a regular file of bounded size: a FIFO, a device, a
    // directory (also behind a link) or a file over the limit ends in an error naming it, at once.
    void inputFilesAreBounded()
    {
        QString err;
        const QString fifo = m_dir.filePath(QStringLiteral("plan.fifo"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QVERIFY(!readInputFile(fifo, 1024, &err));
        QVERIFY2(err == fifo + QStringLiteral(" is a FIFO, not a regular file"), qPrintable(err));
        QVERIFY(!Plan::load(fifo, &err)); // the plan itself: refused, not waited on
        QVERIFY2(err.contains(QStringLiteral("is a FIFO")), qPrintable(err));
        QVERIFY(!readInputFile(QStringLiteral("/dev/zero"), 1024, &err));
        QVERIFY2(err.contains(QStringLiteral("is a character device")), qPrintable(err));
        const QString link = m_dir.filePath(QStringLiteral("zero.yaml"));
        QVERIFY(QFile::link(QStringLiteral("/dev/zero"), link));
        QVERIFY(!readInputFile(link, 1024, &err));
        QVERIFY2(err.contains(QStringLiteral("is a character device")), qPrintable(err));
        QVERIFY(!readInputFile(m_dir.path(), 1024, &err));
        QVERIFY2(err.contains(QStringLiteral("is a directory")), qPrintable(err));
        const QString big = m_dir.filePath(QStringLiteral("big.yaml"));
        QFile f(big);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(3000, 'x'));
        f.close();
        QVERIFY(!readInputFile(big, 2048, &err));
        QVERIFY2(err == big + QStringLiteral(" is 3000 bytes, beyond the 2048 bytes such a file may have"), qPrintable(err));
        QCOMPARE(readInputFile(big, 3000, &err), std::optional<QByteArray>(QByteArray(3000, 'x')));
        QVERIFY(!readInputFile(m_dir.filePath(QStringLiteral("none.yaml")), 1024, &err));
        QVERIFY2(err.contains(QStringLiteral("No such file")), qPrintable(err));
    }

    // One grammar for every duration, flag or plan key.
    void durations()
    {
        QCOMPARE(parseDurationMs(QStringLiteral("250ms")), std::optional<qint64>(250));
        QCOMPARE(parseDurationMs(QStringLiteral("90s")), std::optional<qint64>(90'000));
        QCOMPARE(parseDurationMs(QStringLiteral("15m")), std::optional<qint64>(900'000));
        QCOMPARE(parseDurationMs(QStringLiteral("1.5h")), std::optional<qint64>(5'400'000));
        QCOMPARE(parseDurationMs(QStringLiteral("7d")), std::optional<qint64>(604'800'000));
        QCOMPARE(parseDurationMs(QStringLiteral(" 30 s ")), std::optional<qint64>(30'000));
        QCOMPARE(parseDurationMs(QStringLiteral("45")), std::optional<qint64>(45'000)); // a bare number: seconds
        for (const char *bad : {"", "1.5", "-5s", "5x", "s", "1e3s", "5 minutes", "1.s", "99999999999999d"})
            QVERIFY2(!parseDurationMs(QString::fromLatin1(bad)), bad);
        QCOMPARE(parseDurationSeconds(QStringLiteral("1.5h")), std::optional<qint64>(5400));
        QVERIFY(!parseDurationSeconds(QStringLiteral("250ms")));
        QString err;
        const auto plan = Plan::parse("version: 1\nregistries:\n  gsoci: { url: https://g.example, role: target }\n"
                                      "  china: { url: https://c.example, role: replica, of: gsoci, lag-slo: 1.5h }\n",
                                      m_dir.filePath(QStringLiteral("d.yaml")), &err);
        QVERIFY2(plan, qPrintable(err));
        QCOMPARE(plan->registry(QStringLiteral("china"))->lagSloSeconds, 5400);
    }

    // store: names the plan's history, a PostgreSQL URL or a file beside the plan; --db and
    // the window default to it (storeLocationForPlan).
    void storeKey()
    {
        const QByteArray head = "version: 1\nregistries:\n  gsoci: { url: https://g.example, role: target }\n";
        QString err;
        const QString path = m_dir.filePath(QStringLiteral("team.yaml"));
        auto plan = Plan::parse(head, path, &err);
        QVERIFY2(plan, qPrintable(err));
        QCOMPARE(plan->storeLocation(), m_dir.filePath(QStringLiteral("team.ferry.db")));
        const QByteArray url = "store: postgresql://ferry@db.example:5432/ferry?sslmode=require\n";
        plan = Plan::parse(head + url, path, &err);
        QVERIFY2(plan, qPrintable(err));
        QCOMPARE(plan->storeLocation(), QStringLiteral("postgresql://ferry@db.example:5432/ferry?sslmode=require"));
        plan = Plan::parse(head + "store: history/ferry.db\n", path, &err);
        QVERIFY2(plan, qPrintable(err));
        QCOMPARE(plan->storeLocation(), m_dir.filePath(QStringLiteral("history/ferry.db")));
        // What the commands default to, read from the file without the rest of the plan.
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(head + url);
        f.close();
        QCOMPARE(storeLocationForPlan(path), QStringLiteral("postgresql://ferry@db.example:5432/ferry?sslmode=require"));
        QCOMPARE(storeLocationForPlan(m_dir.filePath(QStringLiteral("none.yaml"))), m_dir.filePath(QStringLiteral("none.ferry.db")));
        // The one rule every face opens its store by (ferry FILE as the desktop entry runs it, the
        // terminal, ferryctl): --db, else the plan's store: key, else FERRY_DB.
        qputenv("FERRY_DB", "/elsewhere/env.db");
        QCOMPARE(chooseStoreLocation({}, path), QStringLiteral("postgresql://ferry@db.example:5432/ferry?sslmode=require"));
        QCOMPARE(chooseStoreLocation(QStringLiteral("/given.db"), path), QStringLiteral("/given.db"));
        QCOMPARE(chooseStoreLocation({}, {}), QStringLiteral("/elsewhere/env.db"));
        qunsetenv("FERRY_DB");
        QCOMPARE(chooseStoreLocation({}, {}), QString());
        // Refused: another scheme, and a password written into the plan.
        QVERIFY(!Plan::parse(head + "store: mysql://ferry@db/ferry\n", path, &err));
        QVERIFY2(err.contains(QStringLiteral("not a PostgreSQL URL")), qPrintable(err));
        QVERIFY(!Plan::parse(head + "store: postgresql://ferry:hunter2@db/ferry\n", path, &err));
        QVERIFY2(err.contains(QStringLiteral("PGPASSWORD")) && !err.contains(QStringLiteral("hunter2")), qPrintable(err));
        // libpq reads a password from the query too: refused the same way, and not echoed.
        QVERIFY(!Plan::parse(head + "store: postgresql://ferry@db/ferry?sslmode=require&Password=hunter2\n", path, &err));
        QVERIFY2(err.contains(QStringLiteral("PGPASSWORD")) && !err.contains(QStringLiteral("hunter2")), qPrintable(err));
    }

    // The plan the Kubernetes manifests ship (installer/k8s/plan.yaml's ConfigMap) is a plan
    // this Ferry reads.
    void kubernetesPlanLoads()
    {
        QFile f(qEnvironmentVariable("FERRY_SOURCE_DIR") + QStringLiteral("/installer/k8s/plan.yaml"));
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        const QByteArray text = f.readAll();
        const qsizetype at = text.indexOf("plan.yaml: |\n");
        QVERIFY(at > 0);
        QByteArray plan;
        for (const QByteArray &line : text.mid(at).split('\n').mid(1))
            plan += line.mid(4) + '\n'; // the block's four spaces of indentation
        QString err;
        const auto loaded = Plan::parse(plan, m_dir.filePath(QStringLiteral("k8s.yaml")), &err);
        QVERIFY2(loaded, qPrintable(err));
        QVERIFY(loaded->registry(QStringLiteral("gsoci")));
        QVERIFY(!loaded->images.isEmpty());
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("expected");
        const QByteArray head =
            "version: 1\nregistries:\n  hub: { url: https://r.example, role: source }\n  gsoci: { url: https://g.example, role: target }\n";
        QTest::newRow("unknown top key") << QByteArray("version: 1\nregistrys: {}\n") << "plan.yaml:2:1: unknown key 'registrys'";
        QTest::newRow("unknown registry key") << QByteArray(
                                                     "version: 1\nregistries:\n  g: { url: https://g, role: target, concurency: 4 }\n")
                                              << "plan.yaml:3:38: unknown key 'concurency'";
        QTest::newRow("no url") << QByteArray("version: 1\nregistries:\n  g: { role: target }\n") << "needs a url";
        QTest::newRow("bad role") << QByteArray("version: 1\nregistries:\n  g: { url: https://g, role: mirror }\n") << "role must be";
        QTest::newRow("replica without of") << QByteArray("version: 1\nregistries:\n  c: { url: https://c, role: replica }\n")
                                            << "needs 'of:";
        QTest::newRow("of unknown") << QByteArray("version: 1\nregistries:\n  c: { url: https://c, role: replica, of: nope }\n")
                                    << "'nope' names no registry";
        QTest::newRow("bad slo") << QByteArray("version: 1\nregistries:\n  c: { url: https://c, role: replica, of: c, lag-slo: soon }\n")
                                 << "lag-slo is a duration";
        QTest::newRow("unknown source") << head + "images:\n  - source: docker/x\n    target: gsoci/x\n"
                                        << "plan.yaml:6:13: 'docker' names no registry";
        QTest::newRow("target not a target") << head + "images:\n  - source: gsoci/x\n    target: hub/x\n"
                                             << "is not a target registry";
        QTest::newRow("bad regex") << head + "images:\n  - source: hub/x\n    target: gsoci/x\n    tags: { regex: '(' }\n"
                                   << "invalid regular expression";
        QTest::newRow("bad semver") << head + "images:\n  - source: hub/x\n    target: gsoci/x\n    tags: { semver: '>= x.y' }\n"
                                    << "invalid semver";
        QTest::newRow("bad tag") << head + "images:\n  - source: hub/x\n    target: gsoci/x\n    tags: ['-bad']\n"
                                 << "not a valid tag";
        QTest::newRow("secret in plan") << QByteArray(
                                               "version: 1\nregistries:\n  g: { url: https://g, role: target, credentials: hunter2 }\n")
                                        << "never secrets";
        QTest::newRow("bad http2") << QByteArray("version: 1\nregistries:\n  g: { url: https://g, role: target, http2: maybe }\n")
                                   << "http2 is true or false";
        QTest::newRow("yaml syntax") << QByteArray("version: 1\nregistries: { a: [\n") << "plan.yaml:";
        QTest::newRow("duplicate registry") << QByteArray("version: 1\nregistries:\n  hub: { url: https://a, role: source }\n"
                                                          "  hub: { url: https://b, role: target }\n")
                                            << "plan.yaml:4:3: 'hub' is written twice in this map";
        QTest::newRow("duplicate key") << QByteArray("version: 1\nregistries:\n  g: { url: https://g, role: target, role: source }\n")
                                       << "'role' is written twice";
        QByteArray laughs = "version: 1\nregistries:\n  g: { url: https://g, role: target }\nx0: &x0 [a, a, a, a, a, a, a, a, a, a]\n";
        for (int i = 1; i < 9; ++i)
            laughs += QStringLiteral("x%1: &x%1 [*x%2, *x%2, *x%2, *x%2, *x%2, *x%2, *x%2, *x%2, *x%2, *x%2]\n").arg(i).arg(i - 1).toUtf8();
        QTest::newRow("alias bomb") << laughs << "more than 1000000 values";
        QTest::newRow("missing sync file") << head + "images:\n  - skopeo-sync: nope.yaml\n    source: hub\n    target: gsoci/x\n"
                                           << "cannot read skopeo-sync file";
    }
    void errors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, expected);
        QString err;
        const auto plan = Plan::parse(yaml, m_dir.filePath(QStringLiteral("plan.yaml")), &err);
        QVERIFY(!plan.has_value());
        QVERIFY2(err.contains(expected), qPrintable(err));
        QVERIFY2(err.startsWith(m_dir.filePath(QStringLiteral("plan.yaml"))), qPrintable(err));
    }
};

FERRY_TEST_MAIN(TestPlan)
#include "tst_plan.moc"
