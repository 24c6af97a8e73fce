// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "managedprocess.h"

#include <QString>
#include <QTemporaryDir>

namespace ferry::test {

// A real PostgreSQL 15 of the test's own (Debian's postgresql-15): a cluster made by initdb in
// a temporary directory, its postmaster listening on a Unix socket there only (no TCP), trust
// authentication for one role. The postmaster runs in the foreground as a ManagedProcess, so it
// dies with the test even when the test crashes (pg_ctl would leave it running); run as root
// (CI), it runs as the postgres user, as initdb refuses root.
class PostgresServer
{
public:
    PostgresServer();
    ~PostgresServer();
    PostgresServer(const PostgresServer &) = delete;
    PostgresServer &operator=(const PostgresServer &) = delete;

    // Debian's server binaries (initdb, postgres), or empty when postgresql-15 is missing.
    static QString binDir();
    bool start(QString *error);
    void stop();

    QString socketDir() const { return m_dir.filePath(QStringLiteral("socket")); }
    quint16 port() const { return m_port; }
    QString user() const { return QStringLiteral("ferry"); }
    QString database() const { return QStringLiteral("postgres"); }
    // The URL Ferry takes (--db postgresql://…): the socket directory as the host.
    QString url(const QString &database = QString()) const;
    QString log() { return m_server.output(); }

private:
    QStringList asServerUser(const QString &program) const;

    QTemporaryDir m_dir;
    quint16 m_port = 0;
    ManagedProcess m_server;
};

} // namespace ferry::test
