#pragma once

#include "managedprocess.h"

#include <QJsonArray>
#include <QMap>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

// In a test's initTestCase: the registry tools must be there. On CI (CI=true) their absence
// fails the test; elsewhere it skips with the reason.
#define FERRY_REQUIRE_REGISTRY_TOOLS()                                          \
    do {                                                                        \
        const QString missingTools_ = ::ferry::test::RegistryFarm::missingTools(); \
        if (!missingTools_.isEmpty()) {                                         \
            if (qEnvironmentVariable("CI") == u"true")                          \
                QFAIL(qPrintable(missingTools_));                               \
            QSKIP(qPrintable(missingTools_));                                   \
        }                                                                       \
    } while (false)

namespace ferry::test {

// The registry variants the integration tests run against.
enum class Variant { Plain, Htpasswd, Tls, Token, Cache };
QString variantName(Variant v);

struct RegistryInstance
{
    Variant variant = Variant::Plain;
    quint16 port = 0;
    QString hostPort;
    bool tls = false;
    QString caFile;
    QString username;
    QString password;
    QString configFile;
    std::unique_ptr<ManagedProcess> process;
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

    // Independent plain registries with storage of their own, by name (a source, a
    // target, a replica, each with different content).
    bool startNamed(const QString &name, QString *error);
    QString hostPort(const QString &name) const;
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
    bool startTokenService(QString *error);
    QString configFor(Variant v, quint16 port) const;

    QTemporaryDir m_dir;
    QMap<Variant, std::shared_ptr<RegistryInstance>> m_instances;
    QMap<QString, std::shared_ptr<RegistryInstance>> m_named;
    bool startInstance(RegistryInstance &inst, const QString &configName, const QString &yaml, QString *error);
    ManagedProcess m_tokenService;
    quint16 m_tokenPort = 0;
    QJsonArray m_seeded;
};

} // namespace ferry::test
