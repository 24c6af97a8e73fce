// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "cleanup/cleanupengine.h"

#include <QDateTime>
#include <QJsonObject>
#include <QTextStream>

// How ferryctl cleanup writes batches, items and runs: JSON (a contract for scripts) and text.
namespace ferry::cli::cleanupout {

QString iso(const QDateTime &t);
QString bytesText(qint64 bytes);
QJsonObject itemJson(const CleanupItem &item);
QJsonObject batchJson(const CleanupBatch &batch);
QJsonObject runJson(const CleanupExecResult &run, bool dryRun);
void printRun(const CleanupExecResult &run, bool dryRun, QTextStream &out);
// The audit log as table, json or csv. byKind (ferryctl batch audit): a kind column and each
// batch as KIND:N; else (cleanup audit) the batch as its number. Both are contracts.
void printAuditLog(const QList<AuditEntry> &log, const QString &format, bool byKind, QTextStream &out);

} // namespace ferry::cli::cleanupout
