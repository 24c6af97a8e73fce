// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <istream>

namespace ferry {

// One entry of an HTTP Helm repository's index: a version of a chart and where its .tgz is.
struct HelmChartVersion
{
    QString chart;
    QString version;
    QString digest; // sha256:<hex> of the .tgz ("digest" in the index holds the bare hex)
    QDateTime created;
    QString appVersion;
    bool deprecated = false;
    QString url; // the first of urls, resolved against the index's URL as Helm resolves it
    int line = 0; // of the entry in the index
};

struct HelmIndex
{
    QString apiVersion;
    QDateTime generated;
    QList<HelmChartVersion> versions; // in the index's order
    QStringList warnings; // line: an entry Helm would skip, and why
    QString error; // the index cannot be read at all (Helm refuses it too)
    bool ok() const { return error.isEmpty(); }
};

// Reads an index.yaml (or the JSON form) as Helm reads it, from events (no document tree is
// built: indexes of public catalogs are tens of MB). Entries without a name or version are
// skipped with a warning, as Helm skips them; an index without apiVersion is an error, as in
// Helm. indexUrl resolves relative urls.
HelmIndex readHelmIndex(std::istream &in, const QUrl &indexUrl);
HelmIndex readHelmIndex(const QByteArray &text, const QUrl &indexUrl);

// RFC 3339 with any number of fractional digits (Helm writes nanoseconds).
QDateTime parseRfc3339(const QString &text);

} // namespace ferry
