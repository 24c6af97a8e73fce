#include "registryfarm.h"

#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

namespace ferry::test {

namespace {

bool run(const QString &program, const QStringList &args, QString *error, QByteArray *stdoutData = nullptr,
         int timeoutMs = 120'000, const QString &workdir = {})
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

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

} // namespace

QString variantName(Variant v)
{
    switch (v) {
    case Variant::Plain: return QStringLiteral("plain");
    case Variant::Htpasswd: return QStringLiteral("htpasswd");
    case Variant::Tls: return QStringLiteral("tls");
    case Variant::Token: return QStringLiteral("token");
    case Variant::Cache: return QStringLiteral("cache");
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
    for (const auto &inst : std::as_const(m_named))
        inst->process->stop();
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
    const QString d = m_dir.path();
    const QString openssl = QStringLiteral("openssl");
    auto p = [&](const char *name) { return QDir(d).filePath(QLatin1String(name)); };
    if (!run(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                       QStringLiteral("-keyout"), p("ca.key"), QStringLiteral("-out"), p("ca.crt"),
                       QStringLiteral("-subj"), QStringLiteral("/CN=Ferry Test CA"), QStringLiteral("-days"), QStringLiteral("2")}, error))
        return false;
    if (!run(openssl, {QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                       QStringLiteral("-keyout"), p("server.key"), QStringLiteral("-out"), p("server.csr"),
                       QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1")}, error))
        return false;
    writeFile(p("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
    if (!run(openssl, {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), p("server.csr"), QStringLiteral("-CA"), p("ca.crt"),
                       QStringLiteral("-CAkey"), p("ca.key"), QStringLiteral("-CAcreateserial"), QStringLiteral("-out"), p("server.crt"),
                       QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"), p("server.ext")}, error))
        return false;
    // skopeo reads a CA from a directory of *.crt files.
    QDir(d).mkpath(QStringLiteral("certs.d"));
    QFile::copy(p("ca.crt"), QDir(d).filePath(QStringLiteral("certs.d/ca.crt")));
    // The token issuer's signing key; its self-signed certificate is the registry's
    // rootcertbundle and travels in each token's x5c header.
    if (!run(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                       QStringLiteral("-keyout"), p("token.key"), QStringLiteral("-out"), p("token.crt"),
                       QStringLiteral("-subj"), QStringLiteral("/CN=ferry-token-issuer"), QStringLiteral("-days"), QStringLiteral("2")}, error))
        return false;
    QByteArray htpasswd;
    if (!run(QStringLiteral("htpasswd"), {QStringLiteral("-Bbn"), QLatin1String(kUser), QLatin1String(kPassword)}, error, &htpasswd))
        return false;
    return writeFile(p("htpasswd"), htpasswd);
}

bool RegistryFarm::startTokenService(QString *error)
{
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_tokenPort = freeLoopbackPort();
        const QString d = m_dir.path();
        if (m_tokenService.start(QStringLiteral("/usr/bin/python3"),
                                 {QDir(supportDir()).filePath(QStringLiteral("token_service.py")),
                                  QStringLiteral("--port"), QString::number(m_tokenPort),
                                  QStringLiteral("--key"), QDir(d).filePath(QStringLiteral("token.key")),
                                  QStringLiteral("--cert"), QDir(d).filePath(QStringLiteral("token.crt")),
                                  QStringLiteral("--issuer"), QStringLiteral("ferry-test-issuer"),
                                  QStringLiteral("--service"), QStringLiteral("ferry-test-registry"),
                                  QStringLiteral("--user"), QLatin1String(kUser) + u':' + QLatin1String(kPassword)},
                                 m_tokenPort, error))
            return true;
    }
    return false;
}

QString RegistryFarm::configFor(Variant v, quint16 port) const
{
    const QString d = m_dir.path();
    const QString storage = v == Variant::Cache ? QDir(d).filePath(QStringLiteral("cache-storage"))
                                                : QDir(d).filePath(QStringLiteral("storage"));
    QString yaml = QStringLiteral(
        "version: 0.1\n"
        "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
        "storage:\n  filesystem:\n    rootdirectory: %1\n  delete:\n    enabled: true\n"
        "  maintenance:\n    uploadpurging:\n      enabled: false\n"
        "http:\n  addr: 127.0.0.1:%2\n  secret: ferry-test-secret\n")
                       .arg(storage)
                       .arg(port);
    if (v == Variant::Tls)
        yaml += QStringLiteral("  tls:\n    certificate: %1\n    key: %2\n")
                    .arg(QDir(d).filePath(QStringLiteral("server.crt")), QDir(d).filePath(QStringLiteral("server.key")));
    if (v == Variant::Htpasswd)
        yaml += QStringLiteral("auth:\n  htpasswd:\n    realm: ferry-test\n    path: %1\n").arg(QDir(d).filePath(QStringLiteral("htpasswd")));
    if (v == Variant::Token)
        yaml += QStringLiteral("auth:\n  token:\n    realm: http://127.0.0.1:%1/token\n    service: ferry-test-registry\n"
                               "    issuer: ferry-test-issuer\n    rootcertbundle: %2\n")
                    .arg(m_tokenPort)
                    .arg(QDir(d).filePath(QStringLiteral("token.crt")));
    if (v == Variant::Cache)
        yaml += QStringLiteral("proxy:\n  remoteurl: http://%1\n").arg(m_instances.value(Variant::Plain)->hostPort);
    return yaml;
}

bool RegistryFarm::start(const QList<Variant> &variants, QString *error)
{
    if (!m_dir.isValid()) {
        *error = QStringLiteral("no temporary directory");
        return false;
    }
    if (!makePki(error))
        return false;
    if (variants.contains(Variant::Token) && !startTokenService(error))
        return false;
    // The plain instance comes first: it is the seeding target and the cache's upstream
    // (a proxy registry panics at start when its upstream does not answer).
    QList<Variant> order{Variant::Plain};
    for (Variant v : variants)
        if (v != Variant::Plain && v != Variant::Cache)
            order << v;
    if (variants.contains(Variant::Cache))
        order << Variant::Cache;
    for (Variant v : std::as_const(order)) {
        auto inst = std::make_shared<RegistryInstance>();
        inst->variant = v;
        inst->tls = v == Variant::Tls;
        if (inst->tls)
            inst->caFile = QDir(m_dir.path()).filePath(QStringLiteral("ca.crt"));
        if (v == Variant::Htpasswd || v == Variant::Token) {
            inst->username = QLatin1String(kUser);
            inst->password = QLatin1String(kPassword);
        }
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
    // configFor() needs the port, so the YAML is written with a placeholder for it.
    return startInstance(*inst, variantName(v), configFor(v, 0).replace(QStringLiteral("127.0.0.1:0\n"), QStringLiteral("127.0.0.1:@PORT@\n")), error);
}

bool RegistryFarm::startInstance(RegistryInstance &inst, const QString &configName, const QString &yaml, QString *error)
{
    inst.configFile = QDir(m_dir.path()).filePath(QStringLiteral("config-%1.yml").arg(configName));
    QString text = yaml;
    for (int attempt = 0; attempt < 3; ++attempt) {
        const quint16 port = inst.port ? inst.port : freeLoopbackPort();
        writeFile(inst.configFile, QString(text).replace(QStringLiteral("@PORT@"), QString::number(port)).toUtf8());
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
    auto inst = std::make_shared<RegistryInstance>();
    inst->process = std::make_unique<ManagedProcess>();
    m_named.insert(name, inst);
    return restartNamed(name, error);
}

bool RegistryFarm::restartNamed(const QString &name, QString *error)
{
    auto inst = m_named.value(name);
    const QString storage = QDir(m_dir.path()).filePath(QStringLiteral("storage-") + name);
    const QString yaml = QStringLiteral(
        "version: 0.1\n"
        "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
        "storage:\n  filesystem:\n    rootdirectory: %1\n  delete:\n    enabled: true\n"
        "  maintenance:\n    uploadpurging:\n      enabled: false\n"
        "http:\n  addr: 127.0.0.1:@PORT@\n  secret: ferry-test-secret\n").arg(storage);
    return startInstance(*inst, name, yaml, error);
}

QString RegistryFarm::hostPort(const QString &name) const
{
    return m_named.value(name)->hostPort;
}

void RegistryFarm::stopNamed(const QString &name)
{
    m_named.value(name)->process->stop();
}

bool RegistryFarm::seedNamed(const QString &name, const QString &salt, QString *error, const QStringList &extra)
{
    const QString out = QDir(m_dir.path()).filePath(QStringLiteral("seeded-%1-%2.json").arg(name, salt));
    if (!run(QStringLiteral("/usr/bin/python3"),
             QStringList{QDir(supportDir()).filePath(QStringLiteral("seed_registry.py")), QStringLiteral("--registry"), hostPort(name),
                         QStringLiteral("--workdir"), m_dir.path(), QStringLiteral("--out"), out, QStringLiteral("--salt"), salt}
                 + extra,
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
              m_instances.value(Variant::Plain)->hostPort, QStringLiteral("--workdir"), m_dir.path(),
              QStringLiteral("--out"), out, QStringLiteral("--salt"), salt},
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
    for (const auto &inst : std::as_const(m_instances)) {
        if (inst->username.isEmpty())
            continue;
        auths.insert(inst->hostPort, QJsonObject{{QStringLiteral("auth"),
                                                  QString::fromLatin1((inst->username + u':' + inst->password).toUtf8().toBase64())}});
    }
    const QString dir = QDir(m_dir.path()).filePath(QStringLiteral("docker-config"));
    QDir().mkpath(dir);
    writeFile(QDir(dir).filePath(QStringLiteral("config.json")),
              QJsonDocument(QJsonObject{{QStringLiteral("auths"), auths}}).toJson());
    return dir;
}

QStringList RegistryFarm::skopeoArgs(Variant v) const
{
    const auto inst = m_instances.value(v);
    QStringList args;
    if (inst->tls)
        args << QStringLiteral("--cert-dir") << QDir(m_dir.path()).filePath(QStringLiteral("certs.d"));
    else
        args << QStringLiteral("--tls-verify=false");
    if (!inst->username.isEmpty())
        args << QStringLiteral("--creds") << inst->username + u':' + inst->password;
    return args;
}

} // namespace ferry::test
