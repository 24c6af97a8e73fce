// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The hosts.toml that `ferryctl hosts generate` writes, used by a real containerd (Debian's
// 1.6, started by the test unprivileged, as rootless containerd runs: as nobody when the test is
// root, in a user namespace of its own, on a socket of its own, CRI off): `ctr images pull --hosts-dir`
// fetches docker.io/... from the cache while it is up and from gsoci once it is stopped,
// never from the upstream (a witness proxy fails the test on any connection), and
// `ferryctl hosts explain` names the hosts in the order the registries' access logs show.
// Files containerd drops whole are linted as such, with containerd's own error beside.

#include "registryfarm.h"
#include "testmain.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <atomic>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace ferry::test;

namespace {

// An HTTP proxy on 127.0.0.1 that answers nobody: it records the first line of every
// connection (CONNECT registry-1.docker.io:443) and closes it. ctr gets it as HTTPS_PROXY,
// so anything bound for the internet ends here; Go never proxies 127.0.0.1.
class Witness
{
public:
    Witness()
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int one = 1;
        ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(m_fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || ::listen(m_fd, 16) != 0)
            return;
        socklen_t len = sizeof a;
        ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&a), &len);
        m_port = ntohs(a.sin_port);
        m_thread = std::thread([this] { loop(); });
    }
    ~Witness()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        ::close(m_fd);
    }
    quint16 port() const { return m_port; }
    QStringList requests()
    {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }
    void clear()
    {
        std::lock_guard lock(m_mutex);
        m_requests.clear();
    }

private:
    void loop()
    {
        while (!m_stop) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0)
                continue;
            const int c = ::accept(m_fd, nullptr, nullptr);
            if (c < 0)
                continue;
            QByteArray line;
            char buf[512];
            for (int i = 0; i < 20 && !line.contains('\n'); ++i) {
                pollfd q{c, POLLIN, 0};
                if (::poll(&q, 1, 100) <= 0)
                    continue;
                const ssize_t n = ::read(c, buf, sizeof buf);
                if (n <= 0)
                    break;
                line.append(buf, n);
            }
            ::close(c);
            std::lock_guard lock(m_mutex);
            m_requests << QString::fromLatin1(line.left(line.indexOf('\n'))).trimmed();
        }
    }

    int m_fd = -1;
    quint16 m_port = 0;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
    std::mutex m_mutex;
    QStringList m_requests;
};

// Lines of a registry's access log that containerd sent (its user agent) for this path.
QStringList containerdRequests(const QByteArray &log, const QString &pathPart)
{
    QStringList out;
    for (const QByteArray &line : log.split('\n'))
        if (line.contains("containerd/") && line.contains(pathPart.toUtf8()))
            out << QString::fromUtf8(line);
    return out;
}

} // namespace

class TestContainerd : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<RegistryFarm> m_farm;
    std::unique_ptr<ManagedProcess> m_containerd;
    std::unique_ptr<Witness> m_witness;
    QTemporaryDir m_containerdDir; // owned by the daemon's user
    QString m_plan;
    QString m_socket;
    int m_namespaces = 0;

    QString path(const QString &name) const { return QDir(m_farm->dir()).filePath(name); }

    Run ctrPull(const QString &hostsDir, const QString &ref)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const QString proxy = QStringLiteral("http://127.0.0.1:%1").arg(m_witness->port());
        for (const char *name : {"HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"})
            env.insert(QString::fromLatin1(name), proxy);
        env.remove(QStringLiteral("NO_PROXY"));
        env.remove(QStringLiteral("no_proxy"));
        QStringList args{QStringLiteral("--address"), m_socket, QStringLiteral("--namespace"), QStringLiteral("pull%1").arg(++m_namespaces),
                         QStringLiteral("images"), QStringLiteral("pull"), QStringLiteral("--snapshotter"), QStringLiteral("native"),
                         QStringLiteral("--hosts-dir"), hostsDir};
        if (suiteShape() != Shape::Plain)
            args << QStringLiteral("--user") << QStringLiteral("%1:%2").arg(QLatin1String(RegistryFarm::kUser), QLatin1String(RegistryFarm::kPassword));
        return run(QStringLiteral("ctr"), args << ref, env, {}, 120'000);
    }

    QJsonObject explain(const QString &ref, const QString &hostsDir)
    {
        const Run r = run(ferryctlPath(), {QStringLiteral("hosts"), QStringLiteral("explain"), ref, QStringLiteral("--hosts-dir"), hostsDir,
                                           QStringLiteral("--plan"), m_plan, QStringLiteral("--json")});
        return QJsonDocument::fromJson(r.out).object();
    }

private Q_SLOTS:
    void initTestCase()
    {
        FERRY_REQUIRE_REGISTRY_TOOLS();
        if (QStandardPaths::findExecutable(QStringLiteral("containerd")).isEmpty() || QStandardPaths::findExecutable(QStringLiteral("ctr")).isEmpty())
            FERRY_SKIP(QStringLiteral("containerd is not installed (installer/setup.sh installs it)"));
        if (QStandardPaths::findExecutable(QStringLiteral("unshare")).isEmpty() || QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty())
            FERRY_SKIP(QStringLiteral("unshare and setpriv (util-linux) are needed to start containerd unprivileged"));
        m_farm = std::make_unique<RegistryFarm>();
        m_farm->setAccessLog(true);
        QString error;
        const Shape shape = suiteShape() == Shape::Plain ? Shape::Plain : Shape::TlsToken; // a cache logs in with tokens only
        QVERIFY2(m_farm->startNamed(QStringLiteral("gsoci"), shape, &error), qPrintable(error));
        QVERIFY2(m_farm->seedNamed(QStringLiteral("gsoci"), QStringLiteral("c"), &error,
                                   {QStringLiteral("--only-extras"), QStringLiteral("--image"), QStringLiteral("giantswarm/app-operator:1.0.0"),
                                    QStringLiteral("--image"), QStringLiteral("giantswarm/app-operator:1.1.0")}),
                 qPrintable(error));
        QVERIFY2(m_farm->startNamedCache(QStringLiteral("cache"), QStringLiteral("gsoci"), &error), qPrintable(error));
        m_witness = std::make_unique<Witness>();
        QVERIFY(m_witness->port() != 0);

        m_plan = path(QStringLiteral("clients.yaml"));
        QVERIFY(writeFile(m_plan, QStringLiteral("version: 1\nname: clients\nregistries:\n"
                                                 "  dockerhub: { url: https://registry-1.docker.io, kind: dockerhub, role: source, "
                                                 "credentials: anonymous }\n"
                                                 "  gsoci: { %1, role: target }\n"
                                                 "  cache: { %2, role: cache, of: gsoci }\n"
                                                 "images:\n"
                                                 "  - { source: dockerhub/giantswarm/app-operator, target: gsoci/giantswarm/app-operator }\n")
                                      .arg(m_farm->planFields(QStringLiteral("gsoci")), m_farm->planFields(QStringLiteral("cache")))
                                      .toUtf8()));

        // containerd with a root, a state and a socket of its own; no CRI, no snapshotters that
        // need kernel features the test machine may lack. Unprivileged: a test running as root
        // drops to nobody (setpriv); the daemon then runs in a user namespace where it is root
        // (unshare --map-root-user, as rootlesskit does), so that its native snapshotter may
        // mount and chown. Every process of the chain dies with the test (pdeathsig, kill-child).
        QVERIFY(m_containerdDir.isValid());
        const QString dir = m_containerdDir.path();
        const bool root = ::geteuid() == 0;
        constexpr uint kNobody = 65534;
        QVERIFY(QDir(dir).mkpath(QStringLiteral("root")) && QDir(dir).mkpath(QStringLiteral("state")));
        m_socket = dir + QStringLiteral("/c.sock");
        QVERIFY(writeFile(dir + QStringLiteral("/config.toml"),
                          QStringLiteral("version = 2\nroot = \"%1/root\"\nstate = \"%1/state\"\n"
                                         "disabled_plugins = [\"io.containerd.grpc.v1.cri\", \"io.containerd.snapshotter.v1.btrfs\", "
                                         "\"io.containerd.snapshotter.v1.zfs\", \"io.containerd.snapshotter.v1.aufs\", "
                                         "\"io.containerd.snapshotter.v1.devmapper\", \"io.containerd.snapshotter.v1.overlayfs\"]\n"
                                         "[grpc]\n  address = \"%1/c.sock\"\n  uid = 0\n  gid = 0\n"
                                         "[ttrpc]\n  address = \"%1/c.sock.ttrpc\"\n  uid = 0\n  gid = 0\n"
                                         "[debug]\n  address = \"\"\n[metrics]\n  address = \"\"\n")
                              .arg(dir)
                              .toUtf8()));
        if (root) {
            const Run own = run(QStringLiteral("chown"), {QStringLiteral("-R"), QStringLiteral("%1:%1").arg(kNobody), dir});
            QVERIFY2(own.exitCode == 0, own.err.constData());
        }
        QStringList command{QStringLiteral("unshare"),      QStringLiteral("--fork"),       QStringLiteral("--kill-child=SIGKILL"),
                            QStringLiteral("--user"),       QStringLiteral("--map-root-user"), QStringLiteral("--mount"),
                            QStringLiteral("containerd"),   QStringLiteral("--config"),     dir + QStringLiteral("/config.toml")};
        if (root)
            command = QStringList{QStringLiteral("--pdeathsig"), QStringLiteral("SIGKILL"), QStringLiteral("--reuid=%1").arg(kNobody),
                                  QStringLiteral("--regid=%1").arg(kNobody), QStringLiteral("--clear-groups")} +
                command;
        const QString program = root ? QStringLiteral("setpriv") : command.takeFirst();
        m_containerd = std::make_unique<ManagedProcess>();
        const QString socket = m_socket;
        QVERIFY2(m_containerd->startUntil(program, command, [socket] { return QFileInfo::exists(socket); }, &error, 30'000),
                 qPrintable(error));
        // The daemon is not root: its socket belongs to the user it runs as.
        QCOMPARE(QFileInfo(m_socket).ownerId(), root ? kNobody : ::geteuid());
        const Run version = run(QStringLiteral("ctr"), {QStringLiteral("--address"), m_socket, QStringLiteral("version")});
        QVERIFY2(version.exitCode == 0, version.err.constData());
    }

    void cleanupTestCase()
    {
        if (m_containerd)
            m_containerd->stop();
    }

    void pullsGoToTheCacheThenToGsociNeverUpstream()
    {
        const QString certs = path(QStringLiteral("certs.d"));
        const Run gen = run(ferryctlPath(), {QStringLiteral("hosts"), QStringLiteral("generate"), QStringLiteral("--plan"), m_plan,
                                             QStringLiteral("-o"), certs});
        QVERIFY2(gen.exitCode == 0, gen.err.constData());
        QVERIFY(QFileInfo::exists(certs + QStringLiteral("/docker.io/hosts.toml")));
        const Run lint = run(ferryctlPath(), {QStringLiteral("hosts"), QStringLiteral("lint"), certs, QStringLiteral("--plan"), m_plan});
        QVERIFY2(lint.exitCode == 0, lint.out.constData());

        const QString cacheHost = m_farm->hostPort(QStringLiteral("cache"));
        const QString gsociHost = m_farm->hostPort(QStringLiteral("gsoci"));
        const QString ref = QStringLiteral("docker.io/giantswarm/app-operator:1.0.0");
        const QJsonArray hosts = explain(ref, certs).value(QStringLiteral("hosts")).toArray();
        QCOMPARE(hosts.size(), 2);
        QCOMPARE(hosts[0].toObject().value(QStringLiteral("host")).toString(), cacheHost);
        QCOMPARE(hosts[1].toObject().value(QStringLiteral("host")).toString(), gsociHost);

        // The cache is up: containerd asks it first, and it answers.
        Run pull = ctrPull(certs, ref);
        QVERIFY2(pull.exitCode == 0, QByteArray(pull.out + pull.err).constData());
        QVERIFY2(!containerdRequests(m_farm->namedLog(QStringLiteral("cache")), QStringLiteral("/manifests/1.0.0?ns=docker.io")).isEmpty(),
                 m_farm->namedLog(QStringLiteral("cache")).right(2000).constData());
        QVERIFY(containerdRequests(m_farm->namedLog(QStringLiteral("gsoci")), QStringLiteral("/manifests/1.0.0")).isEmpty());

        // The cache is stopped: the next host explain named, gsoci, serves the pull.
        m_farm->stopNamed(QStringLiteral("cache"));
        pull = ctrPull(certs, QStringLiteral("docker.io/giantswarm/app-operator:1.1.0"));
        QVERIFY2(pull.exitCode == 0, QByteArray(pull.out + pull.err).constData());
        QVERIFY2(!containerdRequests(m_farm->namedLog(QStringLiteral("gsoci")), QStringLiteral("/manifests/1.1.0")).isEmpty(),
                 m_farm->namedLog(QStringLiteral("gsoci")).right(2000).constData());
        QString error;
        QVERIFY2(m_farm->restartNamed(QStringLiteral("cache"), &error), qPrintable(error));

        // Nothing went past them.
        QVERIFY2(m_witness->requests().isEmpty(), qPrintable(m_witness->requests().join(u'\n')));
    }

    // A file containerd reads but that misroutes: mirrors and no `server`. When the cache is down,
    // containerd goes on to the upstream itself; the lint says so before a cluster finds out.
    void aFileWithoutServerFallsBackUpstream()
    {
        const QString certs = path(QStringLiteral("no-server"));
        const RegistryInstance &cache = m_farm->named(QStringLiteral("cache"));
        QVERIFY(writeFile(certs + QStringLiteral("/docker.io/hosts.toml"),
                          QStringLiteral("[host.\"%1\"]\n  capabilities = [\"pull\", \"resolve\"]\n%2")
                              .arg(cache.url(), cache.caFile.isEmpty() ? QString() : QStringLiteral("  ca = \"%1\"\n").arg(cache.caFile))
                              .toUtf8()));
        const Run lint = run(ferryctlPath(), {QStringLiteral("hosts"), QStringLiteral("lint"), certs, QStringLiteral("--plan"), m_plan});
        QCOMPARE(lint.exitCode, 5);
        QVERIFY2(lint.out.contains("[no-server]") && lint.out.contains("[no-fallback]") && lint.out.contains("registry-1.docker.io"),
                 lint.out.constData());
        const QJsonArray hosts = explain(QStringLiteral("docker.io/giantswarm/app-operator:1.0.0"), certs).value(QStringLiteral("hosts")).toArray();
        QCOMPARE(hosts.size(), 2);
        QCOMPARE(hosts[1].toObject().value(QStringLiteral("host")).toString(), QStringLiteral("registry-1.docker.io"));

        m_farm->stopNamed(QStringLiteral("cache"));
        m_witness->clear();
        const Run pull = ctrPull(certs, QStringLiteral("docker.io/giantswarm/app-operator:1.0.0"));
        QString error;
        QVERIFY2(m_farm->restartNamed(QStringLiteral("cache"), &error), qPrintable(error));
        QVERIFY(pull.exitCode != 0);
        QVERIFY2(m_witness->requests().join(u'\n').contains(QStringLiteral("CONNECT registry-1.docker.io:443")),
                 QByteArray(pull.err + "\nwitness: " + m_witness->requests().join(u'\n').toUtf8()).constData());
        m_witness->clear();
    }

    // Files containerd drops whole: the lint says so, and containerd shows it by going to
    // registry-1.docker.io (the witness sees the CONNECT) with its own error.
    void filesContainerdDropsAreLintedAsSuch_data()
    {
        QTest::addColumn<QByteArray>("toml");
        QTest::addColumn<QString>("containerdSays");
        const QString gsoci = m_farm->named(QStringLiteral("gsoci")).url();
        const QByteArray server = QStringLiteral("server = \"%1\"\n").arg(gsoci).toUtf8();
        QTest::newRow("duplicate tables") << QByteArray(server + QStringLiteral("[host.\"%1\"]\n[host.\"%1\"]\n").arg(gsoci).toUtf8())
                                          << QStringLiteral("duplicated tables");
        QTest::newRow("server only") << server << QStringLiteral("invalid `host` tree");
    }
    void filesContainerdDropsAreLintedAsSuch()
    {
        QFETCH(QByteArray, toml);
        QFETCH(QString, containerdSays);
        const QString certs = path(QStringLiteral("bad-%1").arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));
        QVERIFY(writeFile(certs + QStringLiteral("/docker.io/hosts.toml"), toml));
        const Run lint = run(ferryctlPath(), {QStringLiteral("hosts"), QStringLiteral("lint"), certs, QStringLiteral("--plan"), m_plan});
        QCOMPARE(lint.exitCode, 5);
        QVERIFY2(lint.out.contains("[rejected]") && lint.out.contains(containerdSays.toUtf8()) && lint.out.contains("registry-1.docker.io"),
                 lint.out.constData());
        m_witness->clear();
        const Run pull = ctrPull(certs, QStringLiteral("docker.io/giantswarm/app-operator:1.0.0"));
        QVERIFY(pull.exitCode != 0);
        QVERIFY2(pull.err.contains("failed to decode hosts.toml") && pull.err.contains(containerdSays.toUtf8()), pull.err.constData());
        QVERIFY2(m_witness->requests().join(u'\n').contains(QStringLiteral("CONNECT registry-1.docker.io:443")),
                 qPrintable(m_witness->requests().join(u'\n')));
        m_witness->clear();
    }
};

FERRY_TEST_MAIN(TestContainerd)
#include "tst_containerd.moc"
