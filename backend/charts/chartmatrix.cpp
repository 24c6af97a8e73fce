// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "charts/chartmatrix.h"
#include "store/charttables.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace ferry {

namespace {

bool rowLess(const ChartVersionRow &a, const ChartVersionRow &b)
{
    return a.chart != b.chart ? a.chart < b.chart : versionLess(a.version, b.version);
}

QString shortDigest(const QString &d)
{
    return d.left(19);
}

ChartVersionRow compareOne(const HelmChartVersion *h, const OciChartVersion *o, const OciChartListing *listing)
{
    ChartVersionRow r;
    r.chart = h ? h->chart : listing->chart;
    r.version = h ? h->version : o->version;
    if (h) {
        r.httpDigest = h->digest;
        r.url = h->url;
        r.appVersion = h->appVersion;
        r.created = h->created;
        r.deprecated = h->deprecated;
    }
    if (o) {
        r.ociDigest = o->layerDigest;
        r.manifestDigest = o->manifestDigest;
        if (r.appVersion.isEmpty())
            r.appVersion = o->appVersion;
        if (!r.created.isValid())
            r.created = o->created;
        r.deprecated = r.deprecated || o->deprecated;
    }
    const QString where = listing ? listing->repository : QString();
    if (o && !o->error.isEmpty()) {
        r.state = QLatin1String(chartstate::Unknown);
        r.reason = QStringLiteral("%1:%2 could not be read: %3").arg(where, o->tag, o->error);
    } else if (h && !o && listing && !listing->error.isEmpty()) {
        r.state = QLatin1String(chartstate::Unknown);
        r.reason = QStringLiteral("%1 could not be listed: %2").arg(where, listing->error);
    } else if (h && !o && listing && !listing->complete) {
        r.state = QLatin1String(chartstate::Unknown);
        r.reason = QStringLiteral("the listing of %1 is incomplete").arg(where);
    } else if (h && !o) {
        r.state = QLatin1String(chartstate::MissingInOci);
        r.reason = r.deprecated ? QStringLiteral("deprecated, and not in %1: copy it, or drop it from the index before retiring").arg(where)
                                : QStringLiteral("not in %1: copy it first").arg(where);
    } else if (!h) {
        r.state = QLatin1String(r.deprecated ? chartstate::Deprecated : chartstate::OnlyInOci);
        r.reason = QStringLiteral("in %1:%2 only, not in the index").arg(where, o->tag);
    } else if (h->digest.isEmpty()) {
        r.state = QLatin1String(chartstate::Unknown);
        r.reason = QStringLiteral("the index has no digest for it: its content cannot be compared");
    } else if (h->digest != o->layerDigest) {
        r.state = QLatin1String(chartstate::DifferentContent);
        r.reason = QStringLiteral("the index's .tgz is %1, %2:%3's chart layer is %4")
                       .arg(shortDigest(h->digest), where, o->tag, shortDigest(o->layerDigest));
    } else {
        r.state = QLatin1String(r.deprecated ? chartstate::Deprecated : chartstate::Same);
        r.reason = r.deprecated ? QStringLiteral("deprecated; the same .tgz in both") : QString();
    }
    return r;
}

} // namespace

QList<ChartVersionRow> compareCharts(const ChartRepository &repo, const QList<HelmChartVersion> &http, const QList<OciChartListing> &oci)
{
    QHash<QString, const OciChartListing *> listings;
    for (const OciChartListing &l : oci)
        listings.insert(l.chart, &l);
    QHash<QString, QHash<QString, const OciChartVersion *>> ociByVersion;
    for (const OciChartListing &l : oci)
        for (const OciChartVersion &v : l.versions)
            if (repo.covers(v.version))
                ociByVersion[l.chart].insert(v.version, &v);
    QList<ChartVersionRow> rows;
    rows.reserve(http.size());
    QHash<QString, QSet<QString>> seen;
    for (const HelmChartVersion &h : http) {
        if (!repo.covers(h.version))
            continue;
        QSet<QString> &versions = seen[h.chart];
        if (versions.contains(h.version))
            continue; // Helm takes the first of duplicate entries too
        versions.insert(h.version);
        rows.append(compareOne(&h, ociByVersion.value(h.chart).value(h.version), listings.value(h.chart)));
    }
    for (const OciChartListing &l : oci)
        for (const OciChartVersion &v : l.versions) {
            if (!repo.covers(v.version) || seen.value(l.chart).contains(v.version))
                continue;
            seen[l.chart].insert(v.version);
            rows.append(compareOne(nullptr, &v, &l));
        }
    std::sort(rows.begin(), rows.end(), rowLess);
    return rows;
}

QMap<QString, int> chartStateCounts(const QList<ChartVersionRow> &rows)
{
    QMap<QString, int> out;
    for (const QString &s : chartstate::all())
        out.insert(s, 0);
    for (const ChartVersionRow &r : rows)
        ++out[r.state];
    return out;
}

QList<CatalogEntry> appCatalog(const QList<ChartVersionRow> &rows, int size)
{
    QMap<QString, CatalogEntry> charts;
    QMap<QString, QStringList> ociVersions, httpVersions;
    for (const ChartVersionRow &r : rows) {
        charts[r.chart].chart = r.chart;
        const auto v = SemVersion::parse(r.version);
        if (r.deprecated || !v || v->isPrerelease())
            continue;
        if (!r.ociDigest.isEmpty())
            ociVersions[r.chart] << r.version;
        if (!r.httpDigest.isEmpty() || !r.url.isEmpty())
            httpVersions[r.chart] << r.version;
    }
    auto lastN = [size](QStringList v) {
        std::sort(v.begin(), v.end(), [](const QString &a, const QString &b) { return versionLess(b, a); });
        return v.mid(0, size);
    };
    QList<CatalogEntry> out;
    for (CatalogEntry &e : charts) {
        e.oci = lastN(ociVersions.value(e.chart));
        e.http = lastN(httpVersions.value(e.chart));
        for (const QString &v : std::as_const(e.http))
            if (!e.oci.contains(v))
                e.lostOnSwitch << v;
        out.append(e);
    }
    return out;
}

ChartRetirement planRetirement(const ChartScanRecord &scan, const QList<ChartVersionRow> &rows)
{
    ChartRetirement out;
    if (!scan.error.isEmpty())
        out.blockers << QStringLiteral("the last charts scan of %1 failed: %2").arg(scan.repository, scan.error);
    QMap<QString, int> blocked;
    for (const ChartVersionRow &r : rows) {
        if (!chartVersionOnHttp(r))
            continue; // OCI only: nothing to remove on the HTTP side
        if (chartVersionVerified(r)) {
            out.files.append(r);
            continue;
        }
        ++blocked[r.state];
        if (blocked.value(r.state) <= 5)
            out.blockers << QStringLiteral("%1 %2 is %3: %4").arg(r.chart, r.version, r.state, r.reason);
    }
    for (auto it = blocked.cbegin(); it != blocked.cend(); ++it)
        if (it.value() > 5)
            out.blockers << QStringLiteral("… and %1 more %2").arg(it.value() - 5).arg(it.key());
    if (rows.isEmpty() && scan.error.isEmpty())
        out.blockers << QStringLiteral("no charts scan of %1 has seen any version").arg(scan.repository);
    return out;
}

QList<ChartChange> diffChartScans(const QList<ChartVersionRow> &before, const QList<ChartVersionRow> &after)
{
    QHash<QString, QString> was;
    for (const ChartVersionRow &r : before)
        was.insert(r.chart + u'\n' + r.version, r.state);
    QList<ChartChange> out;
    QSet<QString> now;
    for (const ChartVersionRow &r : after) {
        const QString key = r.chart + u'\n' + r.version;
        now.insert(key);
        const QString old = was.value(key);
        if (old != r.state)
            out.append(ChartChange{r.chart, r.version, old, r.state});
    }
    for (const ChartVersionRow &r : before)
        if (!now.contains(r.chart + u'\n' + r.version))
            out.append(ChartChange{r.chart, r.version, r.state, QString()});
    std::sort(out.begin(), out.end(), [](const ChartChange &a, const ChartChange &b) {
        return a.chart != b.chart ? a.chart < b.chart : versionLess(a.version, b.version);
    });
    return out;
}

namespace {

// https://host/path/ and https://host/path/index.yaml name the same repository.
QString repositoryBase(QString url)
{
    if (url.endsWith(u"/index.yaml"))
        url.chop(10);
    while (url.endsWith(u'/'))
        url.chop(1);
    return url;
}

} // namespace

QList<ReleaseSource> releaseSources(const Inventory &inventory, const Plan &plan, const QMap<QString, QList<ChartVersionRow>> &latestRows)
{
    QHash<QString, const ChartSourceRef *> sources; // cluster \n kind \n ns/name
    for (const ChartSourceRef &s : inventory.chartSources)
        sources.insert(s.cluster + u'\n' + s.kind + u'\n' + s.object, &s);
    QHash<QString, const ChartRepository *> byBase;
    for (const ChartRepository &c : plan.charts)
        byBase.insert(repositoryBase(c.indexUrl.toString()), &c);
    QList<ReleaseSource> out;
    for (const ChartReleaseRef &r : inventory.chartReleases) {
        ReleaseSource s;
        s.release = r;
        const ChartSourceRef *src = sources.value(r.cluster + u'\n' + r.sourceKind + u'\n' + r.source);
        if (!src) {
            s.via = QStringLiteral("unknown");
        } else {
            s.url = src->url;
            s.via = src->oci ? QStringLiteral("oci") : QStringLiteral("http");
            if (const ChartRepository *repo = src->oci ? nullptr : byBase.value(repositoryBase(src->url))) {
                s.repository = repo->name;
                for (const ChartVersionRow &row : latestRows.value(repo->name))
                    if (row.chart == r.chart && row.version == r.version)
                        s.state = row.state;
            }
        }
        out.append(s);
    }
    return out;
}

} // namespace ferry
