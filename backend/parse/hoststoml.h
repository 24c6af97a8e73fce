// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace ferry {

// containerd's registry host configuration (certs.d/<namespace>/hosts.toml), read the way
// containerd 1.6 reads it: the [host."…"] tables in file order, then `server` last; a file
// it cannot decode is dropped whole, and the namespace's default host is used instead.
struct HostEntry
{
    QString url; // as written
    QString scheme;
    QString host; // host[:port]
    QString path; // API root, "/v2" unless override_path
    QStringList capabilities; // pull, resolve, push; all three when the key is absent
    bool capabilitiesWritten = false;
    QStringList ca;
    std::optional<bool> skipVerify;
    bool overridePath = false;
    QMap<QString, QStringList> header;
    int line = 0;
    bool isServer = false; // the file's `server`, or the namespace's default host

    bool can(const QString &capability) const { return capabilities.contains(capability); }
    // The URL containerd asks for a manifest of repository path at reference (a tag or a
    // digest); mirrors get ?ns=<namespace>.
    QString manifestUrl(const QString &repositoryPath, const QString &reference, const QString &ns) const;
};

struct HostsFinding
{
    enum class Severity { Error, Warning };
    Severity severity = Severity::Error;
    QString file;
    int line = 0;
    QString code; // stable: scripts filter on it
    QString message;
};
QString severityName(HostsFinding::Severity s);

struct HostsFile
{
    QString ns; // the namespace (directory name read back: "host_port_" is "host:port")
    QString file;
    bool rejected = false; // containerd would not use it
    QString rejectReason; // with the line, as a TOML reader says it
    int rejectLine = 0;
    QString server;
    int serverLine = 0;
    QList<HostEntry> hosts; // the [host] tables in order, then the server entry
    QList<HostsFinding> findings; // what the reading itself found (unknown keys, types)

    static HostsFile parse(const QByteArray &toml, const QString &file, const QString &ns);
};

// The namespace a certs.d directory name configures ("127.0.0.1_5000_" is 127.0.0.1:5000).
QString namespaceOfDirectory(const QString &dirName);
// The directory names containerd looks in for a namespace, in its order: "host_port_",
// the namespace itself, then "_default" (containerd 1.6.20 reads it, checked in tst_containerd).
QStringList directoriesForNamespace(const QString &ns);

// The hosts containerd tries for a namespace with this hosts directory (empty dir: none),
// in order, with `source` set to the file used or empty when defaults apply.
QList<HostEntry> resolveHosts(const QString &ns, const QString &hostsDir, QString *source = nullptr);

// Every hosts.toml under dir, by namespace.
QList<HostsFile> readHostsDir(const QString &dir);

} // namespace ferry
