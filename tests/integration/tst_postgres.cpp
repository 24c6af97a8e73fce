// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The ground of the shared store (issue 18): a real PostgreSQL 15 that the tests start
// themselves (initdb in a temporary directory, the postmaster on a Unix socket there), reached
// through Qt's QPSQL driver, and LISTEN/NOTIFY delivered to a Qt connection as the dashboard
// will use it to follow new scans.

#include "postgresserver.h"
#include "testmain.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

using namespace ferry::test;

class TestPostgres : public QObject
{
    Q_OBJECT
    std::unique_ptr<PostgresServer> m_server;

    QSqlDatabase connect(const QString &name)
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(m_server->socketDir());
        db.setPort(m_server->port());
        db.setUserName(m_server->user());
        db.setDatabaseName(m_server->database());
        return db;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (PostgresServer::binDir().isEmpty())
            FERRY_SKIP(QStringLiteral("postgresql-15 is not installed (installer/setup.sh installs it)"));
        if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
            FERRY_SKIP(QStringLiteral("Qt's PostgreSQL driver is not installed (libqt6sql6-psql; installer/setup.sh installs it)"));
        m_server = std::make_unique<PostgresServer>();
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
    }

    void cleanupTestCase()
    {
        for (const QString &name : QSqlDatabase::connectionNames())
            QSqlDatabase::removeDatabase(name);
        if (m_server) {
            const QString socket = m_server->socketDir() + QStringLiteral("/.s.PGSQL.") + QString::number(m_server->port());
            m_server->stop();
            QVERIFY2(!QFileInfo::exists(socket), "the server's socket is still there after it stopped");
        }
    }

    void readsWhatItWrites()
    {
        {
            QSqlDatabase db = connect(QStringLiteral("rw"));
            QVERIFY2(db.open(), qPrintable(db.lastError().text()));
            QSqlQuery q(db);
            QVERIFY2(q.exec(QStringLiteral("CREATE TABLE tags (repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT, "
                                           "PRIMARY KEY (repository, tag))")),
                     qPrintable(q.lastError().text()));
            QVERIFY(q.prepare(QStringLiteral("INSERT INTO tags VALUES (?, ?, ?) ON CONFLICT (repository, tag) DO UPDATE SET digest = "
                                             "excluded.digest")));
            for (const auto &[tag, digest] : {std::pair{"6.0.0", "sha256:aa"}, std::pair{"6.1.0", "sha256:bb"}, std::pair{"6.0.0", "sha256:cc"}}) {
                q.addBindValue(QStringLiteral("giantswarm/app-operator"));
                q.addBindValue(QString::fromLatin1(tag));
                q.addBindValue(QString::fromLatin1(digest));
                QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            }
            QVERIFY(q.exec(QStringLiteral("SELECT tag, digest FROM tags ORDER BY tag")));
            QVERIFY(q.next());
            QCOMPARE(q.value(1).toString(), QStringLiteral("sha256:cc")); // the upsert replaced it
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("6.1.0"));
            QVERIFY(!q.next());
        }
        QSqlDatabase::removeDatabase(QStringLiteral("rw"));
    }

    // What the dashboard will follow: a NOTIFY from another connection (a collector) reaches a
    // Qt connection that listens, with its payload, through the event loop.
    void notificationsReachAListener()
    {
        {
            QSqlDatabase viewer = connect(QStringLiteral("viewer"));
            QSqlDatabase collector = connect(QStringLiteral("collector"));
            QVERIFY2(viewer.open() && collector.open(), qPrintable(viewer.lastError().text() + collector.lastError().text()));
            QVERIFY(viewer.driver()->hasFeature(QSqlDriver::EventNotifications));
            QVERIFY(viewer.driver()->subscribeToNotification(QStringLiteral("ferry_scans")));
            QSignalSpy spy(viewer.driver(), &QSqlDriver::notification);
            QSqlQuery q(collector);
            QVERIFY2(q.exec(QStringLiteral("NOTIFY ferry_scans, 'scan 7 finished'")), qPrintable(q.lastError().text()));
            QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, 10'000);
            QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("ferry_scans"));
            QCOMPARE(spy.at(0).at(1).value<QSqlDriver::NotificationSource>(), QSqlDriver::OtherSource);
            QCOMPARE(spy.at(0).at(2).toString(), QStringLiteral("scan 7 finished"));
            QVERIFY(viewer.driver()->unsubscribeFromNotification(QStringLiteral("ferry_scans")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("viewer"));
        QSqlDatabase::removeDatabase(QStringLiteral("collector"));
    }
};

FERRY_TEST_MAIN(TestPostgres)
#include "tst_postgres.moc"
