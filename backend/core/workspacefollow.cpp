// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// How a session follows its database for other writers: one rule for the window and the
// terminal (Workspace::followStore).

#include "core/workspace.h"
#include "store/storefollower.h"

namespace ferry {

void Workspace::followStore(int throttleMs)
{
    m_storeChanged.setInterval(throttleMs);
    startFollowing();
}

void Workspace::startFollowing()
{
    delete m_follower;
    m_follower = nullptr;
    if (databasePath().isEmpty())
        return;
    m_follower = new StoreFollower(databasePath(), this);
    connect(m_follower, &StoreFollower::changed, this, &Workspace::onStoreChanged);
    connect(m_follower, &StoreFollower::lost, this, &Workspace::followLost);
}

void Workspace::onStoreChanged(const QString &what)
{
    if (!m_runningScans.isEmpty())
        return;
    const QStringList said = what.split(u' ');
    if (said.size() == 2 && (said[0] == QLatin1String("scan") || said[0] == QLatin1String("matrix")) &&
        m_ownScans.contains(said[1].toLongLong()))
        return;
    if (what == QLatin1String("file") && m_ownScanEnded.isValid() && m_ownScanEnded.elapsed() < 3000)
        return; // a file says no more than that it changed: the writes of the scan just ended
    // At most one reload per throttle while another process writes.
    if (!m_storeChanged.isActive())
        m_storeChanged.start();
}

} // namespace ferry
