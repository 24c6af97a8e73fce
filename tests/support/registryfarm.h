// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "managedprocess.h"
#include "testmain.h"

#include <QJsonArray>
#include <QMap>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>
#include <optional>

// In a test's initTestCase: the registry tools must be there. Under FERRY_STRICT_TESTS=1
// (installer/setup.sh test) or on CI their absence fails the suite; elsewhere the suite
// skips with the reason and exits 77, which ctest counts as skipped (testmain.h).
#define FERRY_REQUIRE_REGISTRY_TOOLS()                                                                                                     \
    do {                                                                                                                                   \
        const QString missingTools_ = ::ferry::test::RegistryFarm::missingTools();                                                         \
        if (!missingTools_.isEmpty())                                                                                                      \
            FERRY_SKIP(missingTools_);                                                                                                     \
    } while (false)

namespace ferry::test {

// How a registry meets its clients. The world's registries speak TLS, mostly HTTP/2 (Go's
// default), and answer a first request with a 401 challenge: Basic (self-hosted
// registries, caches, Aliyun, Nexus) or Bearer with a token service (Docker Hub, ACR,
// Quay). Plain HTTP is kept for plain-HTTP registries and for seeding.
enum class Shape { Plain, TlsBasic, TlsBasicHttp1, TlsToken, TlsTokenHttp1 };
QString shapeName(Shape s);
std::optional<Shape> shapeFromName(const QString &name);
// The shape of the registries an integration suite scans: FERRY_TEST_SHAPE (plain, tls-basic,
// tls-basic-http1, tls-token, tls-token-http1), plain when unset. ctest runs each suite once
// per shape it lists; an unknown name is a broken setup and fails the suite.
Shape suiteShape();

// The registry variants tst_registries compares against skopeo: every shape, plus plain
// HTTP with each kind of auth, a TLS registry without auth, and a pull-through cache over
// TLS in front of an upstream that wants a token.
enum class Variant { Plain, Htpasswd, Tls, Token, Cache, TlsBasic, TlsBasicHttp1, TlsToken };
QString variantName(Variant v);

struct RegistryInstance
{
    Variant variant = Variant::Plain;
    Shape shape = Shape::Plain;
    quint16 port = 0;
    QString hostPort;
    bool tls = false;
    bool http2 = false; // TLS without `http2: disabled`: Go negotiates h2
    bool tokenAuth = false;
    QString caFile;
    QString username;
    QString password;
    QString configFile;
    QString yaml; // with @PORT@ for the port
    QStringList environment; // extra variables for the process (SSL_CERT_FILE of a cache)
    std::unique_ptr<ManagedProcess> process;
    // A named registry of another shape than plain also serves its storage on a plain
    // HTTP port, the seeding door: seed_registry.py and the tests' own skopeo copies
    // arrange content through it, Ferry only ever talks to the shaped front.
    std::shared_ptr<RegistryInstance> door;

    QString url() const { return (tls ? QStringLiteral("https://") : QStringLiteral("http://")) + hostPort; }
};

// Real CNCF Distribution registries (Debian's docker-registry) on free 127.0.0.1 ports with
// temporary storage and deletes enabled. The plain instance is the one seeded; htpasswd,
// TLS and token variants serve the same storage directory, so they hold exactly the same
// content; the cache is a pull-through proxy of the plain instance with its own storage.
// Every process dies with the test process (PR_SET_PDEATHSIG), also when it crashes.
class RegistryFarm
{
public:
    RegistryFarm();
    ~RegistryFarm();

    // Says why not when docker-registry, skopeo, openssl, htpasswd or python3-jwt is absent.
    static QString missingTools();

    bool start(const QList<Variant> &variants, QString *error);
    // Pushes the test content into the plain instance (seed_registry.py: skopeo from OCI
    // layouts, raw HTTP for artifacts) and reads back what was pushed.
    bool seed(QString *error, const QString &salt = QStringLiteral("a"));

    RegistryInstance &instance(Variant v) { return *m_instances.value(v); }
    bool has(Variant v) const { return m_instances.contains(v); }
    QJsonArray seeded() const { return m_seeded; }
    QString dir() const { return m_dir.path(); }
    quint16 tokenServicePort() const { return m_tokenPort; }

    // A Docker config.json (base64 auth entries) for every instance that needs
    // credentials; returns the directory to put in DOCKER_CONFIG.
    QString writeDockerConfig();
    // skopeo options to read from an instance: TLS verification, CA dir, credentials.
    QStringList skopeoArgs(Variant v) const;

    // Independent registries with storage of their own, by name (a source, a target, a
    // replica, each with different content), in the suite's shape unless told otherwise.
    bool startNamed(const QString &name, QString *error);
    bool startNamed(const QString &name, Shape shape, QString *error);
    // Where Ferry reaches it: host:port of the shaped front.
    QString hostPort(const QString &name) const;
    const RegistryInstance &named(const QString &name) const { return *m_named.value(name); }
    // The plain-HTTP door to the same storage (the front itself for a plain registry).
    QString doorHostPort(const QString &name) const;
    // The plan's registry fields that reach it: "url: https://…, ca-file: …" (credentials
    // come from the Docker config that exportCredentials() points at).
    QString planFields(const QString &name) const;
    // skopeo options that reach the front, with verification and credentials.
    QStringList skopeoArgsNamed(const QString &name) const;
    // DOCKER_CONFIG and REGISTRY_AUTH_FILE of this process (so of ferryctl and skopeo started
    // by the test) point at a config.json with every instance's credentials.
    void exportCredentials();
    // A pull-through cache (TLS in a TLS suite, no auth of its own) of a named registry; Distribution's
    // proxy logs in to its upstream with token auth only, so the upstream is plain or token-shaped.
    bool startNamedCache(const QString &name, const QString &upstream, QString *error);
    // Registries started after this log every request (method, path, status, user agent).
    void setAccessLog(bool on) { m_accessLog = on; }
    // A named registry's log: with setAccessLog, its access log.
    QByteArray namedLog(const QString &name) const { return m_named.value(name)->process->fullOutput(); }
    void stopNamed(const QString &name);
    bool restartNamed(const QString &name, QString *error);
    // Pushes the seed content into a named registry; extra goes to seed_registry.py
    // (--dev-tags, --bulk N, --only-extras). seeded() then lists what this call pushed.
    bool seedNamed(const QString &name, const QString &salt, QString *error, const QStringList &extra = {});

    // For outage tests: stop and start one instance on the same port.
    void stopInstance(Variant v);
    bool restartInstance(Variant v, QString *error);

    static constexpr const char *kUser = "ferry";
    static constexpr const char *kPassword = "s3cret-pass";

private:
    bool makePki(QString *error);
    bool ensureTokenService(QString *error);
    // The registry configuration of one shape: TLS with or without HTTP/2, Basic or token
    // auth, or plain; proxyOf makes it a pull-through cache of that instance.
    QString registryYaml(const QString &storage, bool tls, bool http2, const QString &auth, const RegistryInstance *proxyOf) const;
    void applyShape(RegistryInstance &inst, Shape shape) const;
    QStringList skopeoArgsFor(const RegistryInstance &inst) const;

    QTemporaryDir m_dir;
    QMap<Variant, std::shared_ptr<RegistryInstance>> m_instances;
    QMap<QString, std::shared_ptr<RegistryInstance>> m_named;
    bool startInstance(RegistryInstance &inst, const QString &configName, const QString &yaml, QString *error);
    bool m_pki = false;
    ManagedProcess m_tokenService;
    quint16 m_tokenPort = 0;
    QJsonArray m_seeded;
    bool m_accessLog = false;
};

} // namespace ferry::test
