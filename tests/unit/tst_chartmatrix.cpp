// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The charts layer without a network: index.yaml read as Helm reads it, the chart matrix's
// states, the App Catalog, the retirement's rule, scan diffs, Flux releases, and the plan's
// `charts` key.

#include "charts/chartmatrix.h"
#include "testmain.h"

using namespace ferry;

namespace {

const QUrl kIndex(QStringLiteral("https://charts.example/giantswarm-catalog/index.yaml"));

QString hex(char c)
{
    return QString(64, QLatin1Char(c));
}

HelmChartVersion http(const QString &chart, const QString &version, char digest, bool deprecated = false)
{
    HelmChartVersion v;
    v.chart = chart;
    v.version = version;
    v.digest = QStringLiteral("sha256:") + hex(digest);
    v.deprecated = deprecated;
    v.url = QStringLiteral("https://charts.example/%1-%2.tgz").arg(chart, version);
    return v;
}

OciChartVersion oci(const QString &version, char layer, bool deprecated = false)
{
    OciChartVersion v;
    v.tag = ChartRepository::ociTag(version);
    v.version = version;
    v.layerDigest = QStringLiteral("sha256:") + hex(layer);
    v.manifestDigest = QStringLiteral("sha256:") + hex('m');
    v.deprecated = deprecated;
    return v;
}

ChartRepository repo()
{
    ChartRepository r;
    r.name = QStringLiteral("catalog");
    r.targetRegistry = QStringLiteral("gsoci");
    r.targetPrefix = QStringLiteral("charts/giantswarm");
    return r;
}

QMap<QString, QString> states(const QList<ChartVersionRow> &rows)
{
    QMap<QString, QString> out;
    for (const ChartVersionRow &r : rows)
        out.insert(r.chart + u' ' + r.version, r.state);
    return out;
}

} // namespace

class TestChartMatrix : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void theIndexAsHelmWritesIt()
    {
        const QByteArray text = "apiVersion: v1\n"
                                "entries:\n"
                                "  hello-world:\n"
                                "  - apiVersion: v2\n"
                                "    appVersion: \"1.1\"\n"
                                "    created: \"2026-10-01T12:00:00.123456789+02:00\"\n"
                                "    dependencies:\n"
                                "    - name: common\n"
                                "      version: 1.0.0\n"
                                "      repository: https://elsewhere\n"
                                "    maintainers:\n"
                                "    - { name: team, email: t@example.com }\n"
                                "    annotations: { version: \"9.9.9\", name: trap }\n"
                                "    digest: " +
            hex('a').toLatin1() +
            "\n"
            "    name: hello-world\n"
            "    urls:\n"
            "    - charts/hello-world-1.1.0.tgz\n"
            "    - https://mirror.example/hello-world-1.1.0.tgz\n"
            "    version: 1.1.0\n"
            "  - name: hello-world\n"
            "    version: 1.0.0\n"
            "    deprecated: true\n"
            "    digest: sha256:" +
            hex('b').toLatin1() +
            "\n"
            "    urls: [\"https://cdn.example/hello-world-1.0.0.tgz\"]\n"
            "  - name: hello-world\n"
            "    description: no version, Helm skips it\n"
            "  broken: []\n"
            "generated: \"2026-10-01T12:00:00Z\"\n";
        const HelmIndex idx = readHelmIndex(text, kIndex);
        QVERIFY2(idx.ok(), qPrintable(idx.error));
        QCOMPARE(idx.apiVersion, QStringLiteral("v1"));
        QCOMPARE(idx.generated, QDateTime::fromString(QStringLiteral("2026-10-01T12:00:00Z"), Qt::ISODate));
        QCOMPARE(idx.versions.size(), 2);
        const HelmChartVersion &v = idx.versions[0];
        QCOMPARE(v.chart, QStringLiteral("hello-world"));
        QCOMPARE(v.version, QStringLiteral("1.1.0")); // not the annotation's, nor the dependency's
        QCOMPARE(v.appVersion, QStringLiteral("1.1"));
        QCOMPARE(v.digest, QStringLiteral("sha256:") + hex('a')); // the index holds the bare hex
        QCOMPARE(v.url, QStringLiteral("https://charts.example/giantswarm-catalog/charts/hello-world-1.1.0.tgz"));
        QCOMPARE(v.created, QDateTime::fromString(QStringLiteral("2026-10-01T10:00:00.123Z"), Qt::ISODateWithMs));
        QVERIFY(!v.deprecated);
        QCOMPARE(v.line, 4);
        QVERIFY(idx.versions[1].deprecated);
        QCOMPARE(idx.versions[1].url, QStringLiteral("https://cdn.example/hello-world-1.0.0.tgz"));
        QCOMPARE(idx.versions[1].digest, QStringLiteral("sha256:") + hex('b'));
        QCOMPARE(idx.warnings.size(), 1);
        QVERIFY2(idx.warnings[0].contains(QStringLiteral("without a version")), qPrintable(idx.warnings[0]));
    }

    void theJsonFormAndBrokenIndexes()
    {
        const HelmIndex json = readHelmIndex(
            R"({"apiVersion":"v1","entries":{"a":[{"name":"a","version":"0.1.0","digest":"abc","urls":["a-0.1.0.tgz"]}]}})", kIndex);
        QVERIFY(json.ok());
        QCOMPARE(json.versions.size(), 1);
        QCOMPARE(json.versions[0].url, QStringLiteral("https://charts.example/giantswarm-catalog/a-0.1.0.tgz"));
        const HelmIndex noApi = readHelmIndex("entries: {}\n", kIndex);
        QVERIFY(noApi.error.contains(QStringLiteral("no API version")));
        const HelmIndex broken = readHelmIndex("apiVersion: v1\nentries:\n  a: [\n", kIndex);
        QVERIFY(!broken.ok());
        QVERIFY2(broken.error.startsWith(QStringLiteral("line ")), qPrintable(broken.error));
        QVERIFY(!readHelmIndex(QByteArray(), kIndex).ok());
    }

    void rfc3339AsHelmWritesIt()
    {
        QCOMPARE(parseRfc3339(QStringLiteral("2026-01-02T03:04:05Z")),
                 QDateTime::fromString(QStringLiteral("2026-01-02T03:04:05Z"), Qt::ISODate));
        QCOMPARE(parseRfc3339(QStringLiteral("2026-01-02T03:04:05.9Z")).time().msec(), 900);
        QCOMPARE(parseRfc3339(QStringLiteral("2026-01-02T03:04:05-01:00")).time().hour(), 4);
        QVERIFY(!parseRfc3339(QStringLiteral("yesterday")).isValid());
    }

    void everyStateOfTheMatrix()
    {
        const QList<HelmChartVersion> index{http(QStringLiteral("a"), QStringLiteral("1.0.0"), 'a'),
                                            http(QStringLiteral("a"), QStringLiteral("1.1.0"), 'b'),
                                            http(QStringLiteral("a"), QStringLiteral("1.3.0"), 'c'),
                                            http(QStringLiteral("a"), QStringLiteral("1.3.0"), 'z'), // a duplicate: the first counts
                                            http(QStringLiteral("old"), QStringLiteral("0.9.0"), 'd', true),
                                            http(QStringLiteral("old"), QStringLiteral("0.8.0"), 'e', true),
                                            http(QStringLiteral("down"), QStringLiteral("1.0.0"), 'f'),
                                            http(QStringLiteral("cut"), QStringLiteral("1.0.0"), 'g')};
        OciChartListing a{QStringLiteral("a"),
                          QStringLiteral("charts/giantswarm/a"),
                          true,
                          {},
                          {oci(QStringLiteral("1.0.0"), 'a'), oci(QStringLiteral("1.2.0"), 'x'), oci(QStringLiteral("1.3.0"), 'y')}};
        OciChartListing old{QStringLiteral("old"),
                            QStringLiteral("charts/giantswarm/old"),
                            true,
                            {},
                            {oci(QStringLiteral("0.9.0"), 'd'), oci(QStringLiteral("0.7.0"), 'q', true)}};
        OciChartListing down{QStringLiteral("down"), QStringLiteral("charts/giantswarm/down"), false, QStringLiteral("503"), {}};
        OciChartListing cut{QStringLiteral("cut"), QStringLiteral("charts/giantswarm/cut"), false, {}, {}};
        OciChartVersion bad = oci(QStringLiteral("1.0.0"), 'a');
        bad.error = QStringLiteral("not a Helm chart (image)");
        OciChartListing img{QStringLiteral("img"), QStringLiteral("charts/giantswarm/img"), true, {}, {bad}};
        const QList<ChartVersionRow> rows = compareCharts(repo(), index, {a, old, down, cut, img});
        const QMap<QString, QString> s = states(rows);
        QCOMPARE(s.value(QStringLiteral("a 1.0.0")), QStringLiteral("same"));
        QCOMPARE(s.value(QStringLiteral("a 1.1.0")), QStringLiteral("missing-in-oci"));
        QCOMPARE(s.value(QStringLiteral("a 1.2.0")), QStringLiteral("only-in-oci"));
        QCOMPARE(s.value(QStringLiteral("a 1.3.0")), QStringLiteral("different-content"));
        QCOMPARE(s.value(QStringLiteral("old 0.9.0")), QStringLiteral("deprecated"));
        QCOMPARE(s.value(QStringLiteral("old 0.8.0")), QStringLiteral("missing-in-oci")); // deprecated, but not copied
        QCOMPARE(s.value(QStringLiteral("old 0.7.0")), QStringLiteral("deprecated")); // only in OCI, deprecated there
        QCOMPARE(s.value(QStringLiteral("down 1.0.0")), QStringLiteral("unknown"));
        QCOMPARE(s.value(QStringLiteral("cut 1.0.0")), QStringLiteral("unknown"));
        QCOMPARE(s.value(QStringLiteral("img 1.0.0")), QStringLiteral("unknown"));
        QCOMPARE(rows.size(), 10);
        // Chart, then semver order.
        QCOMPARE(rows[0].chart, QStringLiteral("a"));
        QCOMPARE(rows[3].version, QStringLiteral("1.3.0"));
        for (const ChartVersionRow &r : rows)
            if (r.chart == u"a" && r.version == u"1.3.0") {
                QCOMPARE(r.httpDigest, QStringLiteral("sha256:") + hex('c'));
                QVERIFY(r.reason.contains(QStringLiteral("charts/giantswarm/a:1.3.0")));
            }
        const QMap<QString, int> counts = chartStateCounts(rows);
        QCOMPARE(counts.value(QStringLiteral("unknown")), 3);
        QCOMPARE(counts.keys().size(), 6);
        // How each state reads in every face: never verified is a warning, not a grey cell.
        QCOMPARE(chartstate::severity(QStringLiteral("same")), Severity::Ok);
        QCOMPARE(chartstate::severity(QStringLiteral("unknown")), Severity::Warning);
        QCOMPARE(chartstate::severity(QStringLiteral("different-content")), Severity::Error);
        QCOMPARE(chartstate::severity(QStringLiteral("only-in-oci")), Severity::Info);
        QCOMPARE(chartstate::severity(QStringLiteral("deprecated")), Severity::Muted);
        // Stage 3's "done" and the retirement's "may delete" are one rule: same bytes, same digest.
        QCOMPARE(chartstate::open(),
                 (QStringList{QStringLiteral("missing-in-oci"), QStringLiteral("different-content"), QStringLiteral("unknown")}));
        ChartVersionRow v;
        v.httpDigest = v.ociDigest = QStringLiteral("sha256:%1").arg(QString(64, u'a'));
        v.state = QStringLiteral("same");
        QVERIFY(chartVersionVerified(v) && chartVersionOnHttp(v));
        v.state = QStringLiteral("unknown"); // a side not read this time: never counted verified
        QVERIFY(!chartVersionVerified(v));
        v.state = QStringLiteral("only-in-oci");
        v.httpDigest.clear();
        QVERIFY(!chartVersionOnHttp(v) && !chartVersionVerified(v));
    }

    void theVersionFilterAppliesToBothSides()
    {
        ChartRepository r = repo();
        QString error;
        r.versions.kind = TagFilter::Kind::Semver;
        r.versions.semver = SemverConstraint::parse(QStringLiteral(">=1.1.0"), &error);
        OciChartListing a{QStringLiteral("a"), {}, true, {}, {oci(QStringLiteral("1.0.0"), 'a'), oci(QStringLiteral("2.0.0+gs.1"), 'x')}};
        const QList<ChartVersionRow> rows = compareCharts(
            r, {http(QStringLiteral("a"), QStringLiteral("1.0.0"), 'a'), http(QStringLiteral("a"), QStringLiteral("1.1.0"), 'b')}, {a});
        QCOMPARE(states(rows),
                 (QMap<QString, QString>{{QStringLiteral("a 1.1.0"), QStringLiteral("missing-in-oci")},
                                         {QStringLiteral("a 2.0.0+gs.1"), QStringLiteral("only-in-oci")}}));
        QCOMPARE(ChartRepository::ociTag(QStringLiteral("2.0.0+gs.1")), QStringLiteral("2.0.0_gs.1"));
        QCOMPARE(r.ociRepository(QStringLiteral("a")), QStringLiteral("charts/giantswarm/a"));
    }

    void theAppCatalogShowsTheLastVersionsFromOci()
    {
        QList<HelmChartVersion> index;
        QList<OciChartVersion> tags;
        for (const char *v : {"1.0.0", "1.1.0", "1.2.0", "1.10.0", "2.0.0-rc.1"}) {
            index << http(QStringLiteral("a"), QLatin1String(v), 'a');
            if (QLatin1String(v) != QLatin1String("1.10.0"))
                tags << oci(QLatin1String(v), 'a');
        }
        tags << oci(QStringLiteral("1.9.0"), 'a', true); // deprecated: not shown
        const QList<CatalogEntry> c =
            appCatalog(compareCharts(repo(), index, {OciChartListing{QStringLiteral("a"), {}, true, {}, tags}}), 3);
        QCOMPARE(c.size(), 1);
        QCOMPARE(c[0].oci, (QStringList{QStringLiteral("1.2.0"), QStringLiteral("1.1.0"), QStringLiteral("1.0.0")}));
        QCOMPARE(c[0].http, (QStringList{QStringLiteral("1.10.0"), QStringLiteral("1.2.0"), QStringLiteral("1.1.0")}));
        QCOMPARE(c[0].lostOnSwitch, QStringList{QStringLiteral("1.10.0")});
    }

    void retireOnlyWhenEveryVersionIsVerified()
    {
        ChartScanRecord scan{7, QDateTime::currentDateTimeUtc(), QStringLiteral("catalog"), {}, 0, {}};
        QList<ChartVersionRow> rows = compareCharts(
            repo(),
            {http(QStringLiteral("a"), QStringLiteral("1.0.0"), 'a'), http(QStringLiteral("b"), QStringLiteral("1.0.0"), 'b', true)},
            {OciChartListing{QStringLiteral("a"), {}, true, {}, {oci(QStringLiteral("1.0.0"), 'a'), oci(QStringLiteral("3.0.0"), 'c')}},
             OciChartListing{QStringLiteral("b"), {}, true, {}, {oci(QStringLiteral("1.0.0"), 'b')}}});
        ChartRetirement r = planRetirement(scan, rows);
        QVERIFY(r.ready());
        QCOMPARE(r.files.size(), 2); // the OCI-only 3.0.0 is nothing to remove
        rows.append(compareCharts(repo(), {http(QStringLiteral("c"), QStringLiteral("1.0.0"), 'c')},
                                  {OciChartListing{QStringLiteral("c"), {}, false, QStringLiteral("timeout"), {}}}));
        r = planRetirement(scan, rows);
        QVERIFY(!r.ready());
        QCOMPARE(r.blockers.size(), 1);
        QVERIFY2(r.blockers[0].startsWith(QStringLiteral("c 1.0.0 is unknown")), qPrintable(r.blockers[0]));
        scan.error = QStringLiteral("index unreadable");
        QVERIFY(!planRetirement(scan, {}).ready());
    }

    void diffsBetweenScans()
    {
        ChartVersionRow a{
            QStringLiteral("a"), QStringLiteral("1.0.0"), QStringLiteral("missing-in-oci"), {}, {}, {}, {}, {}, false, {}, {}, {}};
        ChartVersionRow b = a;
        b.version = QStringLiteral("2.0.0");
        ChartVersionRow a2 = a;
        a2.state = QStringLiteral("same");
        ChartVersionRow c = a;
        c.chart = QStringLiteral("c");
        const QList<ChartChange> d = diffChartScans({a, b}, {a2, c});
        QCOMPARE(d.size(), 3);
        QCOMPARE(d[0].after, QStringLiteral("same"));
        QCOMPARE(d[1].before, QStringLiteral("missing-in-oci"));
        QCOMPARE(d[1].after, QString());
        QCOMPARE(d[2].chart, QStringLiteral("c"));
        QCOMPARE(d[2].before, QString());
    }

    void fluxReleasesAndTheirSources()
    {
        QString error;
        const auto plan = Plan::parse(
            "version: 1\nregistries:\n  gsoci: { url: https://gsoci.azurecr.io, role: target }\n"
            "charts:\n  - { name: catalog, index: \"https://charts.example/giantswarm-catalog\", oci: gsoci/charts/giantswarm }\n",
            QStringLiteral("p.yaml"), &error);
        QVERIFY2(plan, qPrintable(error));
        Inventory inv;
        ClientSource src;
        src.cluster = QStringLiteral("berlin");
        readManifestText(
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: { name: catalog, namespace: flux-system }\n"
            "spec: { url: \"https://charts.example/giantswarm-catalog/\" }\n---\n"
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: hello, namespace: flux-system }\n"
            "spec: { chart: { spec: { chart: a, version: 1.0.0, sourceRef: { kind: HelmRepository, name: catalog } } } }\n---\n"
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: lost, namespace: apps }\n"
            "spec: { chart: { spec: { chart: b, sourceRef: { kind: HelmRepository, name: catalog } } } }\n---\n"
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: ref, namespace: apps }\n"
            "spec: { chartRef: { kind: OCIRepository, name: podinfo } }\n",
            QStringLiteral("flux.yaml"), src, &inv);
        QCOMPARE(inv.chartReleases.size(), 3);
        QCOMPARE(inv.chartReleases[1].version, QStringLiteral("*"));
        QCOMPARE(inv.chartReleases[1].source, QStringLiteral("apps/catalog")); // the release's namespace
        ChartVersionRow row{QStringLiteral("a"), QStringLiteral("1.0.0"), QStringLiteral("same"), {}, {}, {}, {}, {}, false, {}, {}, {}};
        const QList<ReleaseSource> r = releaseSources(inv, *plan, {{QStringLiteral("catalog"), {row}}});
        QCOMPARE(r[0].via, QStringLiteral("http"));
        QCOMPARE(r[0].repository, QStringLiteral("catalog"));
        QCOMPARE(r[0].state, QStringLiteral("same"));
        QCOMPARE(r[1].via, QStringLiteral("unknown")); // apps/catalog is not among the files
        QCOMPARE(r[2].release.sourceKind, QStringLiteral("OCIRepository"));
    }

    void thePlansChartsKey()
    {
        QString error;
        auto plan = Plan::parse("version: 1\nregistries:\n  gsoci: { url: https://gsoci.azurecr.io, role: target }\n"
                                "charts:\n  - name: catalog\n    index: https://charts.example/repo\n    oci: gsoci/charts/giantswarm\n"
                                "    versions: { semver: \">=1.0.0\" }\n    credentials: anonymous\n    catalog: 3\n"
                                "    delete-api: https://charts.example/api/charts\n"
                                "cleanup:\n  policies:\n    - { name: retire, kind: http-chart-repository, registry: catalog }\n",
                                QStringLiteral("p.yaml"), &error);
        QVERIFY2(plan, qPrintable(error));
        const ChartRepository *c = plan->chartRepository(QStringLiteral("catalog"));
        QVERIFY(c);
        QCOMPARE(c->indexUrl.toString(), QStringLiteral("https://charts.example/repo/index.yaml"));
        QCOMPARE(c->http.config.baseUrl.toString(), QStringLiteral("https://charts.example"));
        QCOMPARE(c->targetRegistry, QStringLiteral("gsoci"));
        QCOMPARE(c->targetPrefix, QStringLiteral("charts/giantswarm"));
        QCOMPARE(c->catalogSize, 3);
        QVERIFY(c->versions.matches(QStringLiteral("1.2.0")) && !c->versions.matches(QStringLiteral("0.9.0")));
        QCOMPARE(c->http.credentials, QStringLiteral("anonymous"));
        QCOMPARE(plan->cleanup.policies[0].kind, CleanupPolicy::Kind::HttpChartRepository);
        QVERIFY(c->covers(QStringLiteral("1.2.0")) && !c->covers(QStringLiteral("0.9.0")));

        // Flux's semverFilter: a regular expression next to the range.
        auto rc = Plan::parse("version: 1\nregistries:\n  gsoci: { url: https://gsoci.azurecr.io, role: target }\n"
                              "charts:\n  - { name: c, index: https://x/, oci: gsoci/charts, "
                              "versions: { semver: \">=1.2.0-rc.0\", semver-filter: \".*-rc.*\" } }\n",
                              QStringLiteral("p.yaml"), &error);
        QVERIFY2(rc, qPrintable(error));
        const ChartRepository &r = rc->charts.first();
        QVERIFY(r.covers(QStringLiteral("1.2.0-rc.1")));
        QVERIFY(!r.covers(QStringLiteral("1.2.0")));
        QVERIFY(!r.covers(QStringLiteral("0.9.0-rc.1")));
        QVERIFY(!Plan::parse("version: 1\nregistries:\n  gsoci: { url: https://gsoci.azurecr.io, role: target }\n"
                             "charts:\n  - { name: c, index: https://x/, oci: gsoci/charts, versions: { semver-filter: x } }\n",
                             QStringLiteral("p.yaml"), &error));
        QVERIFY2(error.contains(QStringLiteral("give semver too")), qPrintable(error));
        QCOMPARE(cleanupKindName(plan->cleanup.policies[0].kind), QStringLiteral("http-chart-repository"));

        const QByteArray head = "version: 1\nregistries:\n  gsoci: { url: https://gsoci.azurecr.io, role: target }\n";
        QVERIFY(
            !Plan::parse(head + "charts:\n  - { name: c, index: https://x/, oci: nowhere/charts }\n", QStringLiteral("p.yaml"), &error));
        QVERIFY2(error.contains(QStringLiteral("names no registry")), qPrintable(error));
        QVERIFY(
            !Plan::parse(head + "charts:\n  - { name: gsoci, index: https://x/, oci: gsoci/charts }\n", QStringLiteral("p.yaml"), &error));
        QVERIFY2(error.contains(QStringLiteral("already a registry's name")), qPrintable(error));
        QVERIFY(!Plan::parse(head + "charts:\n  - { name: c, index: ftp://x/, oci: gsoci/charts }\n", QStringLiteral("p.yaml"), &error));
        QVERIFY(!Plan::parse(head + "cleanup:\n  policies:\n    - { name: r, kind: http-chart-repository, registry: gsoci }\n",
                             QStringLiteral("p.yaml"), &error));
        QVERIFY2(error.contains(QStringLiteral("names no chart repository")), qPrintable(error));
    }
};

FERRY_TEST_MAIN(TestChartMatrix)
#include "tst_chartmatrix.moc"
