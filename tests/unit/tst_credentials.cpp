// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "registry/credentials.h"
#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace ferry;

namespace {

void writeFile(const QString &path, const QByteArray &data, bool executable = false)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(data);
    f.close();
    if (executable)
        f.setPermissions(f.permissions() | QFileDevice::ExeOwner | QFileDevice::ExeUser);
}

QString b64(const QByteArray &raw)
{
    return QString::fromLatin1(raw.toBase64());
}

QJsonObject authEntry(const QByteArray &userPass)
{
    return QJsonObject{{QStringLiteral("auth"), b64(userPass)}};
}

} // namespace

class TestCredentials : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QByteArray m_oldPath;

    QString writeConfig(const QString &name, const QJsonObject &o)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            f.write(QJsonDocument(o).toJson());
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Fake credential helpers following the docker-credential-helpers protocol.
        writeFile(m_dir.filePath(QStringLiteral("docker-credential-fake")),
                  "#!/bin/sh\nread url\n"
                  "if [ \"$1\" != get ]; then exit 1; fi\n"
                  "case \"$url\" in\n"
                  "  helper.example) echo '{\"ServerURL\":\"helper.example\",\"Username\":\"hu\",\"Secret\":\"hs\"}' ;;\n"
                  "  token.example) echo '{\"ServerURL\":\"token.example\",\"Username\":\"<token>\",\"Secret\":\"refresh-123\"}' ;;\n"
                  "  https://index.docker.io/v1/) echo '{\"ServerURL\":\"x\",\"Username\":\"hubuser\",\"Secret\":\"hubsecret\"}' ;;\n"
                  "  *) echo 'credentials not found in native keychain'; exit 1 ;;\n"
                  "esac\n",
                  true);
        writeFile(m_dir.filePath(QStringLiteral("docker-credential-hang")), "#!/bin/sh\nsleep 20\n", true);
        m_oldPath = qgetenv("PATH");
        qputenv("PATH", m_dir.path().toLocal8Bit() + ':' + m_oldPath);
    }
    void cleanupTestCase() { qputenv("PATH", m_oldPath); }

    void auths()
    {
        const QByteArray userPass = QByteArray("alice:pa:ss") + '\0'; // ':' in the password, a trailing NUL
        const QJsonObject auths{
            {QStringLiteral("https://127.0.0.1:5001/v1/"), authEntry(userPass)},
            {QStringLiteral("https://index.docker.io/v1/"), authEntry("bob:hub")},
            {QStringLiteral("idtoken.example"),
             QJsonObject{{QStringLiteral("auth"), b64("00000000-0000-0000-0000-000000000000:")},
                         {QStringLiteral("identitytoken"), QStringLiteral("ref-tok")}}},
            {QStringLiteral("empty.example"), QJsonObject{}},
        };
        const QString path = writeConfig(QStringLiteral("config.json"), QJsonObject{{QStringLiteral("auths"), auths}});
        QString warning;
        Credentials c = credentials::fromDockerConfigFile(path, QStringLiteral("127.0.0.1:5001"), &warning);
        QCOMPARE(c.username, QStringLiteral("alice"));
        QCOMPARE(c.password, QStringLiteral("pa:ss"));
        QVERIFY(c.source.contains(QStringLiteral("docker config")));
        QVERIFY(!c.source.contains(QStringLiteral("pa:ss")));

        c = credentials::fromDockerConfigFile(path, QStringLiteral("registry-1.docker.io"), &warning);
        QCOMPARE(c.username, QStringLiteral("bob"));
        c = credentials::fromDockerConfigFile(path, QStringLiteral("docker.io"), &warning);
        QCOMPARE(c.username, QStringLiteral("bob"));

        c = credentials::fromDockerConfigFile(path, QStringLiteral("idtoken.example"), &warning);
        QCOMPARE(c.identityToken, QStringLiteral("ref-tok"));

        QVERIFY(credentials::fromDockerConfigFile(path, QStringLiteral("empty.example"), &warning).isEmpty());
        c = credentials::fromDockerConfigFile(path, QStringLiteral("other.example"), &warning);
        QVERIFY(c.isEmpty());
        QCOMPARE(c.source, path + QStringLiteral(" has none for other.example")); // what a 401 then names
        c = credentials::fromDockerConfigFile(m_dir.filePath(QStringLiteral("missing.json")), QStringLiteral("x"), &warning);
        QVERIFY(c.isEmpty());
        QCOMPARE(c.source, m_dir.filePath(QStringLiteral("missing.json")) + QStringLiteral(" was not found"));
    }

    void helpers()
    {
        const QString path =
            writeConfig(QStringLiteral("helpers.json"),
                        QJsonObject{{QStringLiteral("credHelpers"),
                                     QJsonObject{{QStringLiteral("helper.example"), QStringLiteral("fake")},
                                                 {QStringLiteral("token.example"), QStringLiteral("fake")},
                                                 {QStringLiteral("slow.example"), QStringLiteral("hang")},
                                                 {QStringLiteral("nohelper.example"), QStringLiteral("absent")}}},
                                    {QStringLiteral("auths"), QJsonObject{{QStringLiteral("slow.example"), authEntry("fallback:pw")}}}});
        QString warning;
        Credentials c = credentials::fromDockerConfigFile(path, QStringLiteral("helper.example"), &warning);
        QCOMPARE(c.username, QStringLiteral("hu"));
        QCOMPARE(c.password, QStringLiteral("hs"));
        QVERIFY(c.source.contains(QStringLiteral("fake")));

        c = credentials::fromDockerConfigFile(path, QStringLiteral("token.example"), &warning);
        QCOMPARE(c.identityToken, QStringLiteral("refresh-123"));
        QVERIFY(c.username.isEmpty());

        // A helper that hangs is stopped, warned about, and the auths entry still counts.
        warning.clear();
        c = credentials::fromDockerConfigFile(path, QStringLiteral("slow.example"), &warning, 300);
        QVERIFY2(warning.contains(QStringLiteral("did not answer")), qPrintable(warning));
        QCOMPARE(c.username, QStringLiteral("fallback"));

        warning.clear();
        c = credentials::fromDockerConfigFile(path, QStringLiteral("nohelper.example"), &warning);
        QVERIFY(c.isEmpty());
        QVERIFY(warning.contains(QStringLiteral("not on PATH")));
    }

    void credsStore()
    {
        const QString path = writeConfig(
            QStringLiteral("store.json"),
            QJsonObject{{QStringLiteral("credsStore"), QStringLiteral("fake")},
                        {QStringLiteral("auths"), QJsonObject{{QStringLiteral("https://index.docker.io/v1/"), QJsonObject{}}}}});
        QString warning;
        const Credentials c = credentials::fromDockerConfigFile(path, QStringLiteral("docker.io"), &warning);
        QCOMPARE(c.username, QStringLiteral("hubuser"));
        QCOMPARE(c.password, QStringLiteral("hubsecret"));
        // "not found" from the store is anonymous, not a warning.
        warning.clear();
        QVERIFY(credentials::fromDockerConfigFile(path, QStringLiteral("unknown.example"), &warning).isEmpty());
        QVERIFY2(warning.isEmpty(), qPrintable(warning));
    }

    void dockerConfigEnvironment()
    {
        writeConfig(QStringLiteral("config.json"),
                    QJsonObject{{QStringLiteral("auths"), QJsonObject{{QStringLiteral("env.example"), authEntry("envuser:envpw")}}}});
        qputenv("DOCKER_CONFIG", m_dir.path().toLocal8Bit());
        QCOMPARE(credentials::dockerConfigPath(), m_dir.filePath(QStringLiteral("config.json")));
        QString warning;
        QCOMPARE(credentials::fromDockerConfig(QStringLiteral("env.example"), &warning).username, QStringLiteral("envuser"));
        qunsetenv("DOCKER_CONFIG");
    }

    void environmentVariables()
    {
        qputenv("FERRY_TEST_USER", "u1");
        qputenv("FERRY_TEST_PASS", "p1");
        QString err;
        Credentials c = credentials::fromEnvironment(QStringLiteral("FERRY_TEST_USER"), QStringLiteral("FERRY_TEST_PASS"), &err);
        QVERIFY(err.isEmpty());
        QCOMPARE(c.username, QStringLiteral("u1"));
        QCOMPARE(c.password, QStringLiteral("p1"));
        QVERIFY(!c.source.contains(QStringLiteral("p1")));
        c = credentials::fromEnvironment(QStringLiteral("FERRY_TEST_USER"), QStringLiteral("FERRY_TEST_NOPE"), &err);
        QVERIFY(err.contains(QStringLiteral("FERRY_TEST_NOPE")));
        QVERIFY(c.isEmpty());
    }

    void keys()
    {
        QCOMPARE(credentials::normaliseConfigKey(QStringLiteral("https://index.docker.io/v1/")), QStringLiteral("registry-1.docker.io"));
        QCOMPARE(credentials::normaliseConfigKey(QStringLiteral("http://Quay.io")), QStringLiteral("quay.io"));
        QCOMPARE(credentials::normaliseConfigKey(QStringLiteral("127.0.0.1:5000")), QStringLiteral("127.0.0.1:5000"));
    }
};

FERRY_TEST_MAIN(TestCredentials)
#include "tst_credentials.moc"
