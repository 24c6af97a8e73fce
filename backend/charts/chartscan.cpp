// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "charts/chartscan.h"
#include "store/charttables.h"

#include "parse/manifest.h"
#include "plan/plancredentials.h"
#include "registry/registryclient.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace ferry {

namespace {

constexpr char kChartLayer[] = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

// helm push writes '+' as '_' in tags; the config's version is the truth when present.
QString versionOfTag(QString tag)
{
    return tag.replace(u'_', u'+');
}

struct PendingTag
{
    OciChartVersion version;
    QFuture<Result<ManifestFetch>> manifest;
    QFuture<HttpResponse> config;
};

void readConfig(OciChartVersion *v, const HttpResponse &r)
{
    if (!r.hasHttpStatus() || r.status != 200)
        return; // the fields are optional; the layer decides the state
    const QJsonObject o = QJsonDocument::fromJson(r.body).object();
    if (const QString version = o.value(QStringLiteral("version")).toString(); !version.isEmpty())
        v->version = version;
    v->appVersion = o.value(QStringLiteral("appVersion")).toString();
    v->deprecated = o.value(QStringLiteral("deprecated")).toBool();
}

// known: versions the index describes (its entry holds what Chart.yaml says); only the others'
// config blobs are fetched, which halves the requests of a repository that is mostly copied.
OciChartListing readChart(RegistryClient &client, const ChartScanInput &input, const QString &chart, const QSet<QString> &known = {})
{
    OciChartListing out;
    out.chart = chart;
    out.repository = input.repository.ociRepository(chart);
    const Result<Listing> tags = client.listTags(out.repository).result();
    if (!tags.ok()) {
        if (tags.error.kind == RegistryError::Kind::NotFound) {
            out.complete = true; // the registry has no such repository: nothing of this chart
            return out;
        }
        out.error = tags.error.toString();
        return out;
    }
    out.complete = tags.value.complete;
    QList<PendingTag> pending;
    for (const QString &tag : tags.value.names) {
        if (tag.startsWith(u"sha256-"))
            continue; // a signature or attestation by the tag schema
        PendingTag p;
        p.version.tag = tag;
        p.version.version = versionOfTag(tag);
        if (!input.repository.covers(p.version.version))
            continue;
        p.manifest = client.getManifest(out.repository, tag);
        pending.append(std::move(p));
    }
    for (PendingTag &p : pending) {
        const Result<ManifestFetch> m = p.manifest.result();
        if (!m.ok()) {
            p.version.error = m.error.toString();
            continue;
        }
        p.version.manifestDigest = m.value.digest;
        const Manifest &man = m.value.manifest;
        for (const Descriptor &l : man.layers)
            if (l.mediaType == QLatin1String(kChartLayer))
                p.version.layerDigest = l.digest;
        if (man.artifactClass != ArtifactClass::HelmChart || p.version.layerDigest.isEmpty()) {
            p.version.error = QStringLiteral("not a Helm chart (%1)").arg(artifactClassName(man.artifactClass));
            continue;
        }
        if (known.contains(p.version.version))
            continue;
        HttpRequest req;
        req.url = client.urlFor(QStringLiteral("/v2/%1/blobs/%2").arg(out.repository, man.config->digest));
        req.maxBodyBytes = 1024 * 1024;
        p.config = client.send(req, QStringLiteral("repository:%1:pull").arg(out.repository));
    }
    for (PendingTag &p : pending) {
        if (p.config.isValid())
            readConfig(&p.version, p.config.result());
        out.versions.append(std::move(p.version));
    }
    return out;
}

// Whether a replica holds the target's chart manifest under each version's tag: a HEAD each.
void readReplica(NetworkService &network, const RegistryConfig &config, const ChartRepository &repo, QList<ChartVersionRow> *rows)
{
    RegistryClient client(network, config);
    QList<QPair<ChartVersionRow *, QFuture<Result<ManifestHead>>>> pending;
    for (ChartVersionRow &r : *rows)
        if (!r.manifestDigest.isEmpty())
            pending.append({&r, client.headManifest(repo.ociRepository(r.chart), ChartRepository::ociTag(r.version))});
    for (auto &[row, head] : pending) {
        const Result<ManifestHead> h = head.result();
        row->replicas.insert(config.key(),
                             h.ok() ? (h.value.digest == row->manifestDigest ? QStringLiteral("same") : QStringLiteral("different"))
                                 : h.error.kind == RegistryError::Kind::NotFound ? QStringLiteral("missing")
                                                                                 : QStringLiteral("unknown"));
    }
}

} // namespace

OciChartListing readOciChart(const ChartScanInput &input, NetworkService &network, const QString &chart)
{
    RegistryClient client(network, input.target);
    return readChart(client, input, chart);
}

ChartScanResult scanChartRepository(const ChartScanInput &input, NetworkService &network, const ChartScanProgress &progress)
{
    ChartScanResult out;
    const ChartRepository &repo = input.repository;
    out.record.repository = repo.name;
    out.record.indexUrl = redactedUrl(repo.indexUrl);
    out.record.at = QDateTime::currentDateTimeUtc();
    if (progress)
        progress(QStringLiteral("reading %1").arg(out.record.indexUrl), 0, 0);
    {
        RegistryClient http(network, input.http);
        HttpRequest req;
        req.url = repo.indexUrl;
        req.maxBodyBytes = input.http.maxManifestBytes;
        req.setHeader("Accept", "application/x-yaml, application/yaml, text/yaml, application/json, */*");
        const HttpResponse r = http.send(req, QString()).result();
        if (!r.hasHttpStatus() || r.status != 200) {
            const RegistryError e = errorFromResponse(r, QStringLiteral("GET %1").arg(out.record.indexUrl));
            out.record.error = QStringLiteral("%1 (%2)").arg(e.toString(), RegistryError::advice(e.kind));
            return out;
        }
        out.index = readHelmIndex(r.body, r.url.isValid() ? r.url : repo.indexUrl);
    }
    if (!out.index.ok()) {
        out.record.error = QStringLiteral("%1: %2").arg(out.record.indexUrl, out.index.error);
        return out;
    }
    if (!input.onlyCharts.isEmpty())
        out.index.versions.removeIf([&](const HelmChartVersion &v) { return !input.onlyCharts.contains(v.chart); });
    out.warnings = out.index.warnings;
    RegistryClient target(network, input.target);
    QStringList charts;
    QSet<QString> seen;
    QHash<QString, QSet<QString>> indexed; // chart -> versions the index describes
    for (const HelmChartVersion &v : std::as_const(out.index.versions))
        indexed[v.chart].insert(v.version);
    for (const HelmChartVersion &v : std::as_const(out.index.versions))
        if (!seen.contains(v.chart) && repo.covers(v.version)) {
            seen.insert(v.chart);
            charts << v.chart;
        }
    // Charts only in OCI: the registry's catalog under the prefix, where the registry lists it.
    for (const QString &chart : input.onlyCharts)
        if (!seen.contains(chart)) {
            seen.insert(chart);
            charts << chart;
        }
    const Result<Listing> catalog = input.onlyCharts.isEmpty() ? target.catalog().result() : Result<Listing>::success({});
    const QString prefix = repo.targetPrefix.isEmpty() ? QString() : repo.targetPrefix + u'/';
    if (catalog.ok()) {
        for (const QString &name : catalog.value.names)
            if (name.startsWith(prefix) && !name.mid(prefix.size()).contains(u'/') && !seen.contains(name.mid(prefix.size()))) {
                seen.insert(name.mid(prefix.size()));
                charts << name.mid(prefix.size());
            }
    } else {
        out.warnings << QStringLiteral("%1 does not list its repositories (%2): charts that are only in OCI are not seen")
                            .arg(input.target.key(), catalog.error.toString());
    }
    for (qsizetype i = 0; i < charts.size(); ++i) {
        if (progress)
            progress(QStringLiteral("comparing %1").arg(charts.at(i)), i, charts.size());
        out.oci.append(readChart(target, input, charts.at(i), indexed.value(charts.at(i))));
    }
    out.rows = compareCharts(repo, out.index.versions, out.oci);
    for (const RegistryConfig &replica : input.replicas) {
        if (progress)
            progress(QStringLiteral("reading the replica %1").arg(replica.key()), charts.size() - 1, charts.size());
        readReplica(network, replica, repo, &out.rows);
    }
    out.record.versions = int(out.rows.size());
    return out;
}

ChartScanInput chartScanInput(const Plan &plan, const ChartRepository &repo, const QMap<QString, RegistryConfig> &configs,
                              QStringList *errors)
{
    ChartScanInput in;
    in.repository = repo;
    in.http = clientConfig(repo.http, errors);
    in.target = configs.value(repo.targetRegistry);
    for (const QString &name : plan.followersOf(repo.targetRegistry, RegistryRole::Replica))
        in.replicas.append(configs.value(name));
    return in;
}

ChartDeleteResult deleteHttpChartVersion(const ChartScanInput &input, NetworkService &network, const QString &chart, const QString &version)
{
    ChartDeleteResult out;
    if (input.repository.deleteApi.isEmpty()) {
        out.message = QStringLiteral("%1 has no delete-api: remove the file by hand").arg(input.repository.name);
        return out;
    }
    RegistryConfig cfg = input.http;
    cfg.baseUrl = QUrl(input.repository.deleteApi.scheme() + QStringLiteral("://") + input.repository.deleteApi.authority());
    cfg.maxAttempts = 1; // a DELETE is not retried blindly
    RegistryClient client(network, cfg);
    HttpRequest req;
    req.method = "DELETE";
    QUrl url = input.repository.deleteApi;
    QString path = url.path();
    if (!path.endsWith(u'/'))
        path += u'/';
    url.setPath(path + chart + u'/' + version);
    req.url = url;
    const HttpResponse r = client.send(req, QString()).result();
    out.status = r.status;
    out.ok = r.hasHttpStatus() && (r.status == 200 || r.status == 202 || r.status == 204 || r.status == 404);
    out.message = out.ok ? (r.status == 404 ? QStringLiteral("already absent") : QStringLiteral("deleted"))
                         : errorFromResponse(r, QStringLiteral("DELETE %1").arg(redactedUrl(url))).toString();
    return out;
}

QList<ChartsScanOutcome> scanAndRecordCharts(const Plan &plan, const QMap<QString, RegistryConfig> &configs, NetworkService &network,
                                             Store &store, const QString &only, const ChartsScanProgress &progress)
{
    QList<ChartsScanOutcome> out;
    for (const ChartRepository &repo : plan.charts) {
        if (!only.isEmpty() && repo.name != only)
            continue;
        ChartsScanOutcome o;
        o.repository = repo.name;
        const ChartScanInput in = chartScanInput(plan, repo, configs, &o.warnings);
        ChartScanResult r = scanChartRepository(in, network, [&](const QString &what, qint64 done, qint64 total) {
            if (progress)
                progress(repo.name, what, done, total);
        });
        o.warnings += r.warnings;
        o.error = r.record.error;
        for (const OciChartListing &l : std::as_const(r.oci)) {
            QString why = l.error;
            for (const OciChartVersion &v : l.versions)
                if (why.isEmpty() && !v.error.isEmpty() && !v.error.startsWith(u"not a Helm chart"))
                    why = QStringLiteral("%1: %2").arg(v.tag, v.error);
            if (!why.isEmpty())
                o.partial << QStringLiteral("%1: %2").arg(l.repository, why);
        }
        o.counts = chartStateCounts(r.rows);
        o.scan = ChartTables(store).recordChartScan(r.record, r.rows);
        if (o.scan == 0)
            o.storeError = store.lastError();
        out.append(o);
        if (o.scan == 0)
            break;
    }
    return out;
}

} // namespace ferry
