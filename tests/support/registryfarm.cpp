// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "registryfarm.h"

#include "testutil.h"

#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

namespace ferry::test {

namespace {

bool run(const QString &program, const QStringList &args, QString *error, QByteArray *stdoutData = nullptr, int timeoutMs = 120'000,
         const QString &workdir = {})
{
    QProcess p;
    if (!workdir.isEmpty())
        p.setWorkingDirectory(workdir);
    p.start(program, args);
    if (!p.waitForStarted(5000)) {
        *error = QStringLiteral("%1 did not start").arg(program);
        return false;
    }
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(2000);
        *error = QStringLiteral("%1 %2 did not finish within %3 ms").arg(program, args.join(u' ')).arg(timeoutMs);
        return false;
    }
    if (stdoutData)
        *stdoutData = p.readAllStandardOutput();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *error = QStringLiteral("%1 %2 failed (exit %3): %4")
                     .arg(program, args.join(u' '))
                     .arg(p.exitCode())
                     .arg(QString::fromUtf8(p.readAllStandardError()).right(2000));
        return false;
    }
    return true;
}

} // namespace

QString shapeName(Shape s)
{
    switch (s) {
    case Shape::Plain: return QStringLiteral("plain");
    case Shape::TlsBasic: return QStringLiteral("tls-basic");
    case Shape::TlsBasicHttp1: return QStringLiteral("tls-basic-http1");
    case Shape::TlsToken: return QStringLiteral("tls-token");
    case Shape::TlsTokenHttp1: return QStringLiteral("tls-token-http1");
    }
    return QStringLiteral("?");
}

std::optional<Shape> shapeFromName(const QString &name)
{
    for (Shape s : {Shape::Plain, Shape::TlsBasic, Shape::TlsBasicHttp1, Shape::TlsToken, Shape::TlsTokenHttp1})
        if (shapeName(s) == name)
            return s;
    return std::nullopt;
}

Shape suiteShape()
{
    const QString name = qEnvironmentVariable("FERRY_TEST_SHAPE");
    if (name.isEmpty())
        return Shape::Plain;
    const auto s = shapeFromName(name);
    if (!s)
        qFatal("FERRY_TEST_SHAPE=%s is not a registry shape (plain, tls-basic, tls-basic-http1, tls-token, tls-token-http1)",
               qPrintable(name));
    return *s;
}

QString variantName(Variant v)
{
    switch (v) {
    case Variant::Plain: return QStringLiteral("plain");
    case Variant::Htpasswd: return QStringLiteral("htpasswd");
    case Variant::Tls: return QStringLiteral("tls");
    case Variant::Token: return QStringLiteral("token");
    case Variant::Cache: return QStringLiteral("tls-cache-of-token");
    case Variant::TlsBasic: return QStringLiteral("tls-basic-h2");
    case Variant::TlsBasicHttp1: return QStringLiteral("tls-basic-http1");
    case Variant::TlsToken: return QStringLiteral("tls-token-h2");
    }
    return QStringLiteral("?");
}

RegistryFarm::RegistryFarm() = default;

RegistryFarm::~RegistryFarm()
{
    // Dependents first: the cache talks to the plain instance.
    if (m_instances.contains(Variant::Cache))
        m_instances.value(Variant::Cache)->process->stop();
    for (const auto &inst : std::as_const(m_instances))
        inst->process->stop();
    for (const auto &inst : std::as_const(m_named)) {
        inst->process->stop();
        if (inst->door)
            inst->door->process->stop();
    }
    m_tokenService.stop();
}

QString RegistryFarm::missingTools()
{
    QStringList missing;
    for (const char *tool : {"docker-registry", "skopeo", "openssl", "htpasswd"})
        if (findProgram(QLatin1String(tool)).isEmpty())
            missing << QLatin1String(tool);
    QString err;
    if (!run(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), QStringLiteral("import jwt, cryptography")}, &err))
        missing << QStringLiteral("python3-jwt/python3-cryptography");
    if (missing.isEmpty())
        return {};
    return QStringLiteral("missing %1: run installer/setup.sh (it installs them)").arg(missing.join(QStringLiteral(", ")));
}

bool RegistryFarm::makePki(QString *error)
{
    if (m_pki)
        return true;
    const QString d = m_dir.path();
    const QString openssl = QStringLiteral("openssl");
    auto p = [&](const char *name) { return QDir(d).filePath(QLatin1String(name)); };
    if (!run(openssl,
             {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
              QStringLiteral("-nodes"), QStringLiteral("-keyout"), p("ca.key"), QStringLiteral("-out"), p("ca.crt"),
              QStringLiteral("-subj"), QStringLiteral("/CN=Ferry Test CA"), QStringLiteral("-days"), QStringLiteral("2")},
             error))
        return false;
    if (!run(openssl,
             {QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
              QStringLiteral("-keyout"), p("server.key"), QStringLiteral("-out"), p("server.csr"), QStringLiteral("-subj"),
              QStringLiteral("/CN=127.0.0.1")},
             error))
        return false;
    writeFile(p("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
    if (!run(openssl,
             {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), p("server.csr"), QStringLiteral("-CA"), p("ca.crt"),
              QStringLiteral("-CAkey"), p("ca.key"), QStringLiteral("-CAcreateserial"), QStringLiteral("-out"), p("server.crt"),
              QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"), p("server.ext")},
             error))
        return false;
    // skopeo reads a CA from a directory of *.crt files.
    QDir(d).mkpath(QStringLiteral("certs.d"));
    QFile::copy(p("ca.crt"), QDir(d).filePath(QStringLiteral("certs.d/ca.crt")));
    // The token issuer's signing key; its self-signed certificate is the registry's
    // rootcertbundle and travels in each token's x5c header.
    if (!run(openssl,
             {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
              QStringLiteral("-nodes"), QStringLiteral("-keyout"), p("token.key"), QStringLiteral("-out"), p("token.crt"),
              QStringLiteral("-subj"), QStringLiteral("/CN=ferry-token-issuer"), QStringLiteral("-days"), QStringLiteral("2")},
             error))
        return false;
    QByteArray htpasswd;
    if (!run(QStringLiteral("htpasswd"), {QStringLiteral("-Bbn"), QLatin1String(kUser), QLatin1String(kPassword)}, error, &htpasswd))
        return false;
    m_pki = writeFile(p("htpasswd"), htpasswd);
    return m_pki;
}

bool RegistryFarm::ensureTokenService(QString *error)
{
    if (m_tokenService.isRunning())
        return true;
    // On HTTPS with the registries' certificate, as Docker Hub's, ACR's and Quay's are.
    const QString d = m_dir.path();
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_tokenPort = freeLoopbackPort();
        if (m_tokenService.start(QStringLiteral("/usr/bin/python3"),
                                 {QDir(supportDir()).filePath(QStringLiteral("token_service.py")), QStringLiteral("--port"),
                                  QString::number(m_tokenPort), QStringLiteral("--key"), QDir(d).filePath(QStringLiteral("token.key")),
                                  QStringLiteral("--cert"), QDir(d).filePath(QStringLiteral("token.crt")), QStringLiteral("--tls-cert"),
                                  QDir(d).filePath(QStringLiteral("server.crt")), QStringLiteral("--tls-key"),
                                  QDir(d).filePath(QStringLiteral("server.key")), QStringLiteral("--issuer"),
                                  QStringLiteral("ferry-test-issuer"), QStringLiteral("--service"), QStringLiteral("ferry-test-registry"),
                                  QStringLiteral("--user"), QLatin1String(kUser) + u':' + QLatin1String(kPassword)},
                                 m_tokenPort, error))
            return true;
    }
    return false;
}

QString RegistryFarm::registryYaml(const QString &storage, bool tls, bool http2, const QString &auth, const RegistryInstance *proxyOf) const
{
    const QString d = m_dir.path();
    QString yaml = QStringLiteral("version: 0.1\n"
                                  "log:\n  level: warn\n  accesslog:\n    disabled: %2\n"
                                  "storage:\n  filesystem:\n    rootdirectory: %1\n  delete:\n    enabled: true\n"
                                  "  maintenance:\n    uploadpurging:\n      enabled: false\n"
                                  "http:\n  addr: 127.0.0.1:@PORT@\n  secret: ferry-test-secret\n")
                       .arg(storage, m_accessLog ? QStringLiteral("false") : QStringLiteral("true"));
    if (tls) {
        yaml += QStringLiteral("  tls:\n    certificate: %1\n    key: %2\n")
                    .arg(QDir(d).filePath(QStringLiteral("server.crt")), QDir(d).filePath(QStringLiteral("server.key")));
        if (!http2)
            yaml += QStringLiteral("  http2:\n    disabled: true\n");
    }
    if (auth == u"basic")
        yaml +=
            QStringLiteral("auth:\n  htpasswd:\n    realm: ferry-test\n    path: %1\n").arg(QDir(d).filePath(QStringLiteral("htpasswd")));
    if (auth == u"token")
        yaml += QStringLiteral("auth:\n  token:\n    realm: https://127.0.0.1:%1/token\n    service: ferry-test-registry\n"
                               "    issuer: ferry-test-issuer\n    rootcertbundle: %2\n")
                    .arg(m_tokenPort)
                    .arg(QDir(d).filePath(QStringLiteral("token.crt")));
    if (proxyOf) {
        // Distribution's proxy logs in to its upstream with token auth only.
        yaml += QStringLiteral("proxy:\n  remoteurl: %1\n").arg(proxyOf->url());
        if (!proxyOf->username.isEmpty())
            yaml += QStringLiteral("  username: %1\n  password: %2\n").arg(proxyOf->username, proxyOf->password);
    }
    return yaml;
}

void RegistryFarm::applyShape(RegistryInstance &inst, Shape shape) const
{
    inst.shape = shape;
    inst.tls = shape != Shape::Plain;
    inst.http2 = shape == Shape::TlsBasic || shape == Shape::TlsToken;
    inst.tokenAuth = shape == Shape::TlsToken || shape == Shape::TlsTokenHttp1;
    if (inst.tls) {
        inst.caFile = QDir(m_dir.path()).filePath(QStringLiteral("ca.crt"));
        inst.username = QLatin1String(kUser);
        inst.password = QLatin1String(kPassword);
    }
}

bool RegistryFarm::start(const QList<Variant> &variants, QString *error)
{
    if (!m_dir.isValid()) {
        *error = QStringLiteral("no temporary directory");
        return false;
    }
    if (!makePki(error))
        return false;
    // The plain instance comes first: it is the seeding target. The cache's upstream
    // comes before the cache (a proxy registry panics at start when its upstream does not
    // answer).
    QList<Variant> order{Variant::Plain};
    for (Variant v : variants)
        if (v != Variant::Plain && v != Variant::Cache && v != Variant::TlsToken)
            order << v;
    if (variants.contains(Variant::TlsToken) || variants.contains(Variant::Cache))
        order << Variant::TlsToken;
    if (variants.contains(Variant::Cache))
        order << Variant::Cache;
    const QString d = m_dir.path();
    const QString storage = QDir(d).filePath(QStringLiteral("storage"));
    for (Variant v : std::as_const(order)) {
        auto inst = std::make_shared<RegistryInstance>();
        inst->variant = v;
        QString auth;
        switch (v) {
        case Variant::Plain: break;
        case Variant::Htpasswd:
            auth = QStringLiteral("basic");
            inst->username = QLatin1String(kUser);
            inst->password = QLatin1String(kPassword);
            break;
        case Variant::Token:
            // Plain HTTP, its token service on HTTPS: the CA is for the token service.
            auth = QStringLiteral("token");
            inst->tokenAuth = true;
            inst->caFile = QDir(d).filePath(QStringLiteral("ca.crt"));
            inst->username = QLatin1String(kUser);
            inst->password = QLatin1String(kPassword);
            break;
        case Variant::Tls:
            inst->tls = inst->http2 = true;
            inst->caFile = QDir(d).filePath(QStringLiteral("ca.crt"));
            break;
        case Variant::Cache:
            // A local cache: TLS, no auth of its own, its upstream wants a token.
            inst->tls = inst->http2 = true;
            inst->caFile = QDir(d).filePath(QStringLiteral("ca.crt"));
            inst->environment << QStringLiteral("SSL_CERT_FILE=") + inst->caFile;
            break;
        case Variant::TlsBasic:
            applyShape(*inst, Shape::TlsBasic);
            auth = QStringLiteral("basic");
            break;
        case Variant::TlsBasicHttp1:
            applyShape(*inst, Shape::TlsBasicHttp1);
            auth = QStringLiteral("basic");
            break;
        case Variant::TlsToken:
            applyShape(*inst, Shape::TlsToken);
            auth = QStringLiteral("token");
            break;
        }
        if (auth == u"token" && !ensureTokenService(error))
            return false;
        const RegistryInstance *upstream = v == Variant::Cache ? m_instances.value(Variant::TlsToken).get() : nullptr;
        inst->yaml = registryYaml(v == Variant::Cache ? QDir(d).filePath(QStringLiteral("cache-storage")) : storage, inst->tls, inst->http2,
                                  auth, upstream);
        inst->process = std::make_unique<ManagedProcess>();
        m_instances.insert(v, inst);
        if (!restartInstance(v, error))
            return false;
    }
    return true;
}

bool RegistryFarm::restartInstance(Variant v, QString *error)
{
    auto inst = m_instances.value(v);
    return startInstance(*inst, variantName(v), inst->yaml, error);
}

bool RegistryFarm::startInstance(RegistryInstance &inst, const QString &configName, const QString &yaml, QString *error)
{
    inst.configFile = QDir(m_dir.path()).filePath(QStringLiteral("config-%1.yml").arg(configName));
    QString text = yaml;
    for (int attempt = 0; attempt < 3; ++attempt) {
        const quint16 port = inst.port ? inst.port : freeLoopbackPort();
        writeFile(inst.configFile, QString(text).replace(QStringLiteral("@PORT@"), QString::number(port)).toUtf8());
        // Distribution reads REGISTRY_<SECTION>_<KEY> variables as configuration: the
        // REGISTRY_AUTH_FILE that exportCredentials() sets for skopeo would become `auth: file`
        // and stop a registry (re)started after it.
        inst.process->setEnvironment(inst.environment, {QStringLiteral("REGISTRY_")});
        if (inst.process->start(QStringLiteral("docker-registry"), {QStringLiteral("serve"), inst.configFile}, port, error)) {
            inst.port = port;
            inst.hostPort = QStringLiteral("127.0.0.1:%1").arg(port);
            return true;
        }
        if (inst.port)
            break;
    }
    return false;
}

bool RegistryFarm::startNamed(const QString &name, QString *error)
{
    return startNamed(name, suiteShape(), error);
}

bool RegistryFarm::startNamed(const QString &name, Shape shape, QString *error)
{
    if (!m_dir.isValid() || !makePki(error))
        return false;
    const QString storage = QDir(m_dir.path()).filePath(QStringLiteral("storage-") + name);
    auto inst = std::make_shared<RegistryInstance>();
    applyShape(*inst, shape);
    if (inst->tokenAuth && !ensureTokenService(error))
        return false;
    inst->yaml = registryYaml(storage, inst->tls, inst->http2,
                              shape == Shape::Plain ? QString()
                                  : inst->tokenAuth ? QStringLiteral("token")
                                                    : QStringLiteral("basic"),
                              nullptr);
    inst->process = std::make_unique<ManagedProcess>();
    m_named.insert(name, inst);
    if (shape != Shape::Plain) {
        inst->door = std::make_shared<RegistryInstance>();
        inst->door->yaml = registryYaml(storage, false, false, {}, nullptr);
        inst->door->process = std::make_unique<ManagedProcess>();
        if (!startInstance(*inst->door, name + QStringLiteral("-door"), inst->door->yaml, error))
            return false;
    }
    return restartNamed(name, error);
}

bool RegistryFarm::startNamedCache(const QString &name, const QString &upstream, QString *error)
{
    const auto up = m_named.value(upstream);
    if (!up) {
        *error = QStringLiteral("no registry named %1").arg(upstream);
        return false;
    }
    auto inst = std::make_shared<RegistryInstance>();
    inst->tls = inst->http2 = up->tls;
    inst->shape = up->tls ? Shape::TlsBasic : Shape::Plain;
    if (up->tls) {
        inst->caFile = up->caFile;
        inst->environment << QStringLiteral("SSL_CERT_FILE=") + inst->caFile;
    }
    inst->yaml = registryYaml(QDir(m_dir.path()).filePath(QStringLiteral("storage-") + name), inst->tls, inst->http2, {}, up.get());
    inst->process = std::make_unique<ManagedProcess>();
    m_named.insert(name, inst);
    return restartNamed(name, error);
}

bool RegistryFarm::restartNamed(const QString &name, QString *error)
{
    auto inst = m_named.value(name);
    return startInstance(*inst, name, inst->yaml, error);
}

QString RegistryFarm::hostPort(const QString &name) const
{
    return m_named.value(name)->hostPort;
}

QString RegistryFarm::doorHostPort(const QString &name) const
{
    const auto inst = m_named.value(name);
    return inst->door ? inst->door->hostPort : inst->hostPort;
}

QString RegistryFarm::planFields(const QString &name) const
{
    const auto inst = m_named.value(name);
    if (!inst->tls)
        return QStringLiteral("url: http://") + inst->hostPort;
    return QStringLiteral("url: https://%1, ca-file: %2").arg(inst->hostPort, inst->caFile);
}

QStringList RegistryFarm::skopeoArgsNamed(const QString &name) const
{
    return skopeoArgsFor(*m_named.value(name));
}

void RegistryFarm::stopNamed(const QString &name)
{
    m_named.value(name)->process->stop();
}

bool RegistryFarm::seedNamed(const QString &name, const QString &salt, QString *error, const QStringList &extra)
{
    const QString out = QDir(m_dir.path()).filePath(QStringLiteral("seeded-%1-%2.json").arg(name, salt));
    if (!run(QStringLiteral("/usr/bin/python3"),
             QStringList{QDir(supportDir()).filePath(QStringLiteral("seed_registry.py")), QStringLiteral("--registry"), doorHostPort(name),
                         QStringLiteral("--workdir"), m_dir.path(), QStringLiteral("--out"), out, QStringLiteral("--salt"), salt} +
                 extra,
             error))
        return false;
    QFile f(out);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    m_seeded = QJsonDocument::fromJson(f.readAll()).array();
    return true;
}

void RegistryFarm::stopInstance(Variant v)
{
    m_instances.value(v)->process->stop();
}

bool RegistryFarm::seed(QString *error, const QString &salt)
{
    const QString out = QDir(m_dir.path()).filePath(QStringLiteral("seeded-%1.json").arg(salt));
    if (!run(QStringLiteral("/usr/bin/python3"),
             {QDir(supportDir()).filePath(QStringLiteral("seed_registry.py")), QStringLiteral("--registry"),
              m_instances.value(Variant::Plain)->hostPort, QStringLiteral("--workdir"), m_dir.path(), QStringLiteral("--out"), out,
              QStringLiteral("--salt"), salt},
             error))
        return false;
    QFile f(out);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("seed wrote no %1").arg(out);
        return false;
    }
    m_seeded = QJsonDocument::fromJson(f.readAll()).array();
    return !m_seeded.isEmpty();
}

QString RegistryFarm::writeDockerConfig()
{
    QJsonObject auths;
    QList<std::shared_ptr<RegistryInstance>> all = m_instances.values();
    all += m_named.values();
    for (const auto &inst : std::as_const(all)) {
        if (inst->username.isEmpty())
            continue;
        auths.insert(
            inst->hostPort,
            QJsonObject{{QStringLiteral("auth"), QString::fromLatin1((inst->username + u':' + inst->password).toUtf8().toBase64())}});
    }
    const QString dir = QDir(m_dir.path()).filePath(QStringLiteral("docker-config"));
    QDir().mkpath(dir);
    writeFile(QDir(dir).filePath(QStringLiteral("config.json")), QJsonDocument(QJsonObject{{QStringLiteral("auths"), auths}}).toJson());
    return dir;
}

void RegistryFarm::exportCredentials()
{
    const QString dir = writeDockerConfig();
    qputenv("DOCKER_CONFIG", dir.toLocal8Bit());
    qputenv("REGISTRY_AUTH_FILE", QDir(dir).filePath(QStringLiteral("config.json")).toLocal8Bit());
}

QStringList RegistryFarm::skopeoArgs(Variant v) const
{
    return skopeoArgsFor(*m_instances.value(v));
}

QStringList RegistryFarm::skopeoArgsFor(const RegistryInstance &inst) const
{
    QStringList args;
    if (inst.tls)
        args << QStringLiteral("--cert-dir") << QDir(m_dir.path()).filePath(QStringLiteral("certs.d"));
    else
        args << QStringLiteral("--tls-verify=false");
    if (!inst.username.isEmpty())
        args << QStringLiteral("--creds") << inst.username + u':' + inst.password;
    return args;
}

} // namespace ferry::test
