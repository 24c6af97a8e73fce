// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "store/storefollower.h"

#include "store/store.h"

#include <QDateTime>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QThread>
#include <QTimer>

#include <memory>
#include <utility>

namespace ferry {

// The PostgreSQL side, living on the follower's thread: its own Store (connection), LISTEN,
// and a check of the connection every few seconds.
class StoreListener : public QObject
{
    Q_OBJECT
public:
    explicit StoreListener(QString location)
        : m_location(std::move(location))
    { }

    void start()
    {
        m_check = new QTimer(this);
        m_check->setInterval(kCheckMs);
        connect(m_check, &QTimer::timeout, this, &StoreListener::check);
        connect_();
        m_check->start();
    }

    void stop()
    {
        if (m_check)
            m_check->stop();
        m_store.reset();
    }

Q_SIGNALS:
    void changed(const QString &what);
    void listening();
    void lost(const QString &why);

private:
    static constexpr int kCheckMs = 5000;

    void connect_()
    {
        auto store = std::make_unique<Store>(m_location);
        QString error;
        if (!store->open(&error)) {
            Q_EMIT lost(error);
            return;
        }
        QSqlDriver *driver = store->database().driver();
        if (!driver->subscribeToNotification(Store::notificationChannel())) {
            Q_EMIT lost(QStringLiteral("cannot LISTEN on %1").arg(Store::displayLocation(m_location)));
            return;
        }
        connect(driver, &QSqlDriver::notification, this,
                [this](const QString &, QSqlDriver::NotificationSource, const QVariant &payload) { Q_EMIT changed(payload.toString()); });
        const bool again = m_wasLost;
        m_store = std::move(store);
        m_wasLost = false;
        Q_EMIT listening();
        if (again)
            Q_EMIT changed(QStringLiteral("reconnected"));
    }

    void check()
    {
        if (m_store) {
            QSqlQuery q(m_store->database());
            if (q.exec(QStringLiteral("SELECT 1")))
                return;
            m_store.reset();
            m_wasLost = true;
            Q_EMIT lost(QStringLiteral("the connection to %1 was lost").arg(Store::displayLocation(m_location)));
        }
        m_wasLost = true;
        connect_();
    }

    QString m_location;
    std::unique_ptr<Store> m_store;
    QTimer *m_check = nullptr;
    bool m_wasLost = false;
};

StoreFollower::StoreFollower(QString location, QObject *parent)
    : QObject(parent)
    , m_location(std::move(location))
{
    if (!Store::isServerLocation(m_location)) {
        watchFile();
        return;
    }
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("ferry-store-follower"));
    m_listener = new StoreListener(m_location);
    m_listener->moveToThread(m_thread);
    connect(m_listener, &StoreListener::changed, this, &StoreFollower::changed);
    connect(m_listener, &StoreListener::listening, this, &StoreFollower::listening);
    connect(m_listener, &StoreListener::lost, this, &StoreFollower::lost);
    connect(m_thread, &QThread::started, m_listener, &StoreListener::start);
    m_thread->start();
}

StoreFollower::~StoreFollower()
{
    if (!m_thread)
        return;
    // The listener's connection is closed on its own thread, then the thread ends.
    QMetaObject::invokeMethod(m_listener, &StoreListener::stop, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_listener;
}

// The database and its write-ahead log as a writer leaves them: their sizes and times of
// last modification. A reader changes neither; it may still touch the files' metadata (SQLite
// running as root gives the log to the database's owner on every open: an inotify IN_ATTRIB,
// which QFileSystemWatcher reports as a change).
QString StoreFollower::fileSignature() const
{
    QString out;
    for (const QString &f : {m_location, QString(m_location + QStringLiteral("-wal"))}) {
        const QFileInfo info(f);
        out +=
            info.exists() ? QStringLiteral("%1@%2;").arg(info.size()).arg(info.lastModified().toMSecsSinceEpoch()) : QStringLiteral("-;");
    }
    return out;
}

void StoreFollower::watchFile()
{
    m_watcher = new QFileSystemWatcher(this);
    m_signature = fileSignature();
    const QString wal = m_location + QStringLiteral("-wal");
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, [this] {
        // A file replaced (not written in place) leaves the watch: watch it again.
        if (QFileInfo::exists(m_location) && !m_watcher->files().contains(m_location))
            m_watcher->addPath(m_location);
        // Only what a writer did: every read of the window's or the terminal's own (a
        // connection opened and closed on the pool) would otherwise read again, without end.
        const QString now = fileSignature();
        if (now == std::exchange(m_signature, now))
            return;
        Q_EMIT changed(QStringLiteral("file"));
    });
    // SQLite's write-ahead log appears and goes with the writers: the directory says when.
    // Other files of that directory (a plan in $HOME) are no reason to read again.
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, [this, wal] {
        if (QFileInfo::exists(wal) != m_watcher->files().contains(wal)) {
            if (QFileInfo::exists(wal))
                m_watcher->addPath(wal);
            if (QFileInfo::exists(m_location) && !m_watcher->files().contains(m_location))
                m_watcher->addPath(m_location);
            m_signature = fileSignature();
            Q_EMIT changed(QStringLiteral("file"));
        }
    });
    m_watcher->addPath(QFileInfo(m_location).absolutePath());
    for (const QString &f : {m_location, wal})
        if (QFileInfo::exists(f))
            m_watcher->addPath(f);
    QMetaObject::invokeMethod(this, &StoreFollower::listening, Qt::QueuedConnection);
}

} // namespace ferry

#include "storefollower.moc"
