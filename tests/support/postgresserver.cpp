// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "postgresserver.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QUrl>
#include <QUrlQuery>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace ferry::test {

namespace {

// initdb and the postmaster refuse root: as root they run as the postgres user the package made.
bool runningAsRoot()
{
    return ::geteuid() == 0;
}

bool chownTree(const QString &path, QString *error)
{
    const passwd *pw = ::getpwnam("postgres");
    if (!pw) {
        *error = QStringLiteral("running as root, and there is no postgres user to run the server as");
        return false;
    }
    QProcess chown;
    chown.start(QStringLiteral("chown"), {QStringLiteral("-R"), QStringLiteral("postgres:postgres"), path});
    if (!chown.waitForFinished(30'000) || chown.exitCode() != 0) {
        *error = QStringLiteral("chown %1 failed: %2").arg(path, QString::fromLocal8Bit(chown.readAllStandardError()));
        return false;
    }
    return true;
}

} // namespace

PostgresServer::PostgresServer() = default;

PostgresServer::~PostgresServer()
{
    stop();
}

QString PostgresServer::binDir()
{
    const QString dir = QStringLiteral("/usr/lib/postgresql/15/bin");
    return QFileInfo::exists(dir + QStringLiteral("/initdb")) ? dir : QString();
}

QStringList PostgresServer::asServerUser(const QString &program) const
{
    if (!runningAsRoot())
        return {program};
    // setpriv sets the parent-death signal after the change of user (a change of credentials
    // clears one set before), so the server still dies with the test.
    return {QStringLiteral("setpriv"),        QStringLiteral("--reuid=postgres"), QStringLiteral("--regid=postgres"),
            QStringLiteral("--clear-groups"), QStringLiteral("--pdeathsig=KILL"), program};
}

bool PostgresServer::start(QString *error)
{
    const QString bin = binDir();
    if (bin.isEmpty()) {
        *error = QStringLiteral("PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin; installer/setup.sh installs postgresql-15)");
        return false;
    }
    if (!m_dir.isValid() || !QDir(m_dir.path()).mkpath(QStringLiteral("socket"))) {
        *error = QStringLiteral("cannot create a directory for the server");
        return false;
    }
    if (runningAsRoot() && !chownTree(m_dir.path(), error))
        return false;
    const QString data = m_dir.filePath(QStringLiteral("data"));
    QStringList initdb = asServerUser(bin + QStringLiteral("/initdb"));
    initdb << QStringLiteral("-D") << data << QStringLiteral("-U") << user() << QStringLiteral("--auth=trust") << QStringLiteral("-E")
           << QStringLiteral("UTF8") << QStringLiteral("--locale=C") << QStringLiteral("--no-sync");
    QProcess init;
    init.setProcessChannelMode(QProcess::MergedChannels);
    init.start(initdb.takeFirst(), initdb);
    if (!init.waitForFinished(120'000) || init.exitStatus() != QProcess::NormalExit || init.exitCode() != 0) {
        *error = QStringLiteral("initdb failed: %1").arg(QString::fromLocal8Bit(init.readAll().right(2000)));
        return false;
    }
    // A port number names the socket file (.s.PGSQL.<port>); nothing listens on TCP.
    m_port = freeLoopbackPort();
    QStringList postgres = asServerUser(bin + QStringLiteral("/postgres"));
    postgres << QStringLiteral("-D") << data << QStringLiteral("-k") << socketDir() << QStringLiteral("-p") << QString::number(m_port)
             << QStringLiteral("-c") << QStringLiteral("listen_addresses=") << QStringLiteral("-c") << QStringLiteral("fsync=off")
             << QStringLiteral("-c") << QStringLiteral("max_connections=50");
    const QString socket = socketDir() + QStringLiteral("/.s.PGSQL.") + QString::number(m_port);
    const QString program = postgres.takeFirst();
    // The socket appears while the server is still starting up ("the database system is starting
    // up"): ready is when pg_isready says it accepts connections.
    const QString isReady = bin + QStringLiteral("/pg_isready");
    const QStringList probe{QStringLiteral("-q"),
                            QStringLiteral("-h"),
                            socketDir(),
                            QStringLiteral("-p"),
                            QString::number(m_port),
                            QStringLiteral("-U"),
                            user(),
                            QStringLiteral("-d"),
                            database()};
    return m_server.startUntil(
        program, postgres,
        [&] {
            if (!QFileInfo::exists(socket))
                return false;
            QProcess check;
            check.start(isReady, probe);
            return check.waitForFinished(5000) && check.exitStatus() == QProcess::NormalExit && check.exitCode() == 0;
        },
        error, 60'000);
}

void PostgresServer::stop()
{
    m_server.stop(); // SIGTERM: a smart shutdown; the data directory goes with m_dir
}

QString PostgresServer::url(const QString &database) const
{
    QUrl u;
    u.setScheme(QStringLiteral("postgresql"));
    u.setUserName(user());
    u.setPath(u'/' + (database.isEmpty() ? this->database() : database));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("host"), socketDir());
    q.addQueryItem(QStringLiteral("port"), QString::number(m_port));
    u.setQuery(q);
    return u.toString();
}

} // namespace ferry::test
