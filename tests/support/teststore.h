// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QSqlDatabase>
#include <QString>

namespace ferry::test {

// The engine a store suite runs on. By default SQLite files; with FERRY_TEST_STORE=postgresql
// (CMake registers such suites once more as <name>_postgresql) a real PostgreSQL 15 that this
// process starts (PostgresServer) and stops at exit, one database per file name asked for.
bool testStoreIsPostgres();

// Where a suite keeps the store it would keep in filePath: filePath itself on SQLite; on
// PostgreSQL the URL of a database made for that path, the same URL each time it is asked.
// A server that cannot start fails the test process with the reason.
QString testStore(const QString &filePath);

// The running test server's URL for a database of its own (PostgreSQL runs only), e.g. for
// a raw QPSQL connection that checks what Ferry wrote.
QString testStoreServerUrl(const QString &database);

// A raw connection (not opened) to a store location of either engine, for a test that reads
// or alters the tables behind Ferry's back: QSQLITE for a file, QPSQL for a URL.
QSqlDatabase addStoreConnection(const QString &location, const QString &connectionName);

} // namespace ferry::test
