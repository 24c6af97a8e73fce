// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QObject>
#include <QString>

class QFileSystemWatcher;
class QThread;

namespace ferry {

class StoreListener;

// Says when another process wrote to a store, so that a view can read it again. A SQLite
// file is watched (the file and its write-ahead log); a PostgreSQL store is followed through
// LISTEN on Store::notificationChannel(), on a thread and a connection of its own, so that
// nothing waits on the server in the thread that made it. No polling for data: the server
// connection is only checked every few seconds, and a lost one is opened again (then
// changed() is said once, as notifications may have been missed meanwhile).
class StoreFollower : public QObject
{
    Q_OBJECT
public:
    explicit StoreFollower(QString location, QObject *parent = nullptr);
    ~StoreFollower() override;

    QString location() const { return m_location; }

Q_SIGNALS:
    // What changed, as the writer said it ("scan 12", "matrix 12", "cleanup 3"); for a file
    // only "file".
    void changed(const QString &what);
    // The follower listens now (PostgreSQL: subscribed; a file: watched).
    void listening();
    // The server connection failed; it is tried again.
    void lost(const QString &why);

private:
    void watchFile();
    QString fileSignature() const;

    QString m_location;
    QFileSystemWatcher *m_watcher = nullptr;
    QString m_signature; // of the file, at the last change said
    QThread *m_thread = nullptr;
    StoreListener *m_listener = nullptr;
};

} // namespace ferry
