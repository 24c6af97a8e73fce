// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace ferry {

// How large a file Ferry reads as input may be, per kind.
namespace inputlimit {
constexpr qint64 Plan = 16 << 20; // a plan, a skopeo-sync file
constexpr qint64 HostsToml = 1 << 20; // a containerd hosts.toml
constexpr qint64 ClusterFile = 64 << 20; // one file of a cluster's manifests, values or kubectl dump
} // namespace inputlimit

// A file Ferry reads as input, whole: a regular file (a FIFO, a device, a socket or a directory is
// refused by what it is, behind a symlink too, and never waited on) of at most maxBytes. nullopt
// with *error naming the file and what is wrong ("is a FIFO, not a regular file", "is 500.0 MiB,
// beyond the 64.0 MiB such a file may have").
std::optional<QByteArray> readInputFile(const QString &path, qint64 maxBytes, QString *error);

// Text from an input (a file, a registry's answer) made safe to echo in a message: control
// characters (ESC, CR, LF, NUL, DEL and the C1 range) written as \xNN, so they cannot forge a line or
// drive the terminal, and cut to maxChars with how much was left out.
QString printableText(const QString &text, qsizetype maxChars = 200);

} // namespace ferry
