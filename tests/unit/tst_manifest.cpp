// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/digest.h"
#include "parse/manifest.h"
#include "testmain.h"

#include <QDir>
#include <QFile>

using namespace ferry;

namespace {

struct Expectation
{
    const char *file;
    bool ok;
    ManifestKind kind;
    ArtifactClass artifact;
    int children;
    bool subject;
    const char *digestOrError; // the registry digest when ok, a fragment of the error otherwise
};

// The expected outcome of every file in tests/fixtures (see its README for where each comes from).
// Digests are the README's sha256 column, except signed schema 1 whose registry digest is
// the canonical payload's, also from the README.
const Expectation kExpectations[] = {
    {"docker-v2s2-manifest.json", true, ManifestKind::DockerV2, ArtifactClass::Image, 0, false,
     "sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55"},
    {"docker-v2s2-manifest-real-signed-by-cosign.json", true, ManifestKind::DockerV2, ArtifactClass::Image, 0, false,
     "sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00"},
    {"docker-manifest-list.json", true, ManifestKind::DockerList, ArtifactClass::Index, 5, false,
     "sha256:ae55d2bdfcc9f24b2ac571f0081a64d6e6089b2c5e503ff3b718a646c26cbd3d"},
    {"oci-image-manifest.json", true, ManifestKind::OciManifest, ArtifactClass::Image, 0, false,
     "sha256:bb76e395cb9021fd062b352172ac87ca159b3e84f5a5758a69db824da876cd4f"},
    {"oci-image-index.json", true, ManifestKind::OciIndex, ArtifactClass::Index, 2, false,
     "sha256:d59976e8b293d743edfd0d9f985207acd97bcca66cb27506bc6e974af13f729e"},
    {"oci-image-index-everything.json", true, ManifestKind::OciIndex, ArtifactClass::Index, 1, true,
     "sha256:54a6da8248c7977f602d0d91bcda5247eecb6b40451dd0dfe50ad3c9bba47337"},
    {"docker-v2s1-signed-manifest.json", true, ManifestKind::DockerV1Signed, ArtifactClass::Image, 0, false,
     "sha256:7364fea9d84ee548ab67d4c46c6006289800c98de3fbf8c0a97138dfcc23f000"},
    {"docker-v2s1-signed-by-docker-from-schema2.json", true, ManifestKind::DockerV1Signed, ArtifactClass::Image, 0, false,
     "sha256:c8a08b90c4899c341695c8b52733faace453cda3c20b2f9ad2c4390eac8eaee4"},
    {"edge-v2s1-unsigned.json", true, ManifestKind::DockerV1, ArtifactClass::Image, 0, false,
     "sha256:7364fea9d84ee548ab67d4c46c6006289800c98de3fbf8c0a97138dfcc23f000"},
    {"edge-v2s1-invalid-signatures.json", false, ManifestKind::DockerV1Signed, ArtifactClass::Unknown, 0, false, "signatures"},
    {"edge-oci-manifest-missing-mediatype.json", true, ManifestKind::OciManifest, ArtifactClass::Image, 0, false,
     "sha256:f94f91aaa4bfad8e67ef7f5cde3a0e908bd22e758868ca47227e60a8ea623d1c"},
    {"edge-oci-index-missing-mediatype.json", true, ManifestKind::OciIndex, ArtifactClass::Index, 2, false,
     "sha256:e23eee643694928ed2881e2bce25afd051cb2c8d2f0cbd46fb9f5e8e84ba23eb"},
    {"edge-docker-v2s2-missing-mediatype.json", true, ManifestKind::DockerV2, ArtifactClass::Image, 0, false,
     "sha256:e7648e3307f0760138714bf63f73985c2ead2ed30ec7000378553e8be3d3f207"},
    {"edge-oci-unknown-layer-mediatype.json", true, ManifestKind::OciManifest, ArtifactClass::Image, 0, false,
     "sha256:37cb608ff77bcaf5de6a6f33f5055ce5357ce5b807af584886773f81e79f2821"},
    {"edge-unknown-schemaversion.json", true, ManifestKind::Unknown, ArtifactClass::Unknown, 0, false,
     "sha256:dc5bc5be2ec1f465009f53b51d16bcc2a621e45c3fa0ac986dce9fcd88531ef5"},
    {"edge-non-json.bin", false, ManifestKind::Unknown, ArtifactClass::Unknown, 0, false, "not valid JSON"},
    {"edge-oci-artifact-empty-config-digest-null-layers.json", true, ManifestKind::OciManifest, ArtifactClass::Artifact, 0, false,
     "sha256:ec7d9117f157e92a0fa93de1c9ad07fd8e193dca520684b0a5d67f4f73cd03a0"},
    {"oci-artifact-with-subject-signature.json", true, ManifestKind::OciManifest, ArtifactClass::Artifact, 0, true,
     "sha256:741132f956e196c3858dab17e50ea977056f2f1ce1ad2900f11f4c8ff2d4203b"},
    {"oci-artifact-with-subject-sbom.json", true, ManifestKind::OciManifest, ArtifactClass::Artifact, 0, true,
     "sha256:30cc0c708132298dd05b03e22eab4ecf99aa0ed0ce9c4904c2b5895707381576"},
    {"oci-index-buildkit-attestations.json", true, ManifestKind::OciIndex, ArtifactClass::Index, 4, false,
     "sha256:7ceb9b6bcc274697d0c38be6214b50cec79d601bc61708747d3f6cb772f6c6fa"},
    {"edge-oci-index-referrer-loop.json", true, ManifestKind::OciIndex, ArtifactClass::Index, 1, true,
     "sha256:d69399e05204fac05b0184eef72e984538cdc9c5854a6484e8852e4357c543cb"},
    {"oci-image-manifest-with-subject-spec-example.json", true, ManifestKind::OciManifest, ArtifactClass::Image, 0, true,
     "sha256:cb778403cd689cda6d1e37575ad5b195508fc1fb18fa7880b37b62365b6c724e"},
    {"helm-chart-manifest.json", true, ManifestKind::OciManifest, ArtifactClass::HelmChart, 0, false,
     "sha256:e501daeda7f74742c9ddc0727b37ea7b744453e921b30f21e7abe63fe5eecbf7"},
    {"helm-chart-manifest-with-provenance.json", true, ManifestKind::OciManifest, ArtifactClass::HelmChart, 0, false,
     "sha256:6135d8c96e97a084a10ecf5c62701bbf943169ba9b4b421e7d6ad2202b4ea15c"},
    {"helm-chart-manifest-ggcr-layout.json", true, ManifestKind::OciManifest, ArtifactClass::HelmChart, 0, false,
     "sha256:b544f71ecd82372bc9a3c0dbef378abfd2734fe437df81ff6e242a0d720d8e3e"},
    {"cosign-signature-manifest.json", true, ManifestKind::DockerV2, ArtifactClass::CosignSignature, 0, false,
     "sha256:e498a1c92ec77e43e391bcf4063834e03566f1e544205c453f0fe0e1bd2b6756"},
    {"gen-ambiguous-layers-and-manifests.json", false, ManifestKind::Unknown, ArtifactClass::Unknown, 0, false, "ambiguous"},
    {"gen-bom-crlf.json", true, ManifestKind::OciManifest, ArtifactClass::Image, 0, false,
     "sha256:8a6fa978b47b332b8b74505e36bd3c35b3c85b86f26ce9b445b3160cb9999841"},
    {"gen-duplicate-mediatype-keys.json", false, ManifestKind::Unknown, ArtifactClass::Unknown, 0, false, "more than once"},
    {"gen-large-annotations-over-4MiB.json", true, ManifestKind::OciManifest, ArtifactClass::Image, 0, false,
     "sha256:a9e7dbeeb23ac3ca0a7730359a2fa029eb847e174bd2da9d0197a5af118a2092"},
    {"gen-large-annotations-under-4MiB.json", true, ManifestKind::OciManifest, ArtifactClass::Image, 0, false,
     "sha256:cea295db338e836c99b5f39126a5bd77f270cc77efe6683c700fb2be22381838"},
    {"gen-mediatype-says-index-but-has-layers.json", false, ManifestKind::Unknown, ArtifactClass::Unknown, 0, false, "carries layers"},
    {"gen-truncated.json", false, ManifestKind::Unknown, ArtifactClass::Unknown, 0, false, "not valid JSON"},
    {"gen-unknown-toplevel-mediatype.json", true, ManifestKind::Unknown, ArtifactClass::Unknown, 0, false,
     "sha256:763677b9372ad9d82e98861d26c10904a91aca0f500bd582970c639327d8550b"},
};

QByteArray readFixture(const QString &name)
{
    QFile f(QDir(test::fixturesDir()).filePath(name));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestManifest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (test::fixturesDir().isEmpty())
            QFAIL("tests/fixtures is absent (or FERRY_FIXTURES_DIR names no folder): the fixture cases cannot run");
    }

    void everyFixtureHasAnExpectation()
    {
        QStringList known;
        for (const Expectation &e : kExpectations)
            known << QLatin1String(e.file);
        const QStringList files = QDir(test::fixturesDir()).entryList(QDir::Files);
        for (const QString &f : files) {
            if (f == u"README.md")
                continue;
            QVERIFY2(known.contains(f), qPrintable(QStringLiteral("fixture %1 has no expected outcome here").arg(f)));
        }
    }

    void fixtures_data()
    {
        QTest::addColumn<int>("row");
        for (int i = 0; i < int(std::size(kExpectations)); ++i)
            QTest::newRow(kExpectations[i].file) << i;
    }

    void fixtures()
    {
        QFETCH(int, row);
        const Expectation &e = kExpectations[row];
        const QByteArray raw = readFixture(QLatin1String(e.file));
        QVERIFY2(!raw.isEmpty(), e.file);
        const ManifestParseResult r = parseManifest(raw);
        if (!e.ok) {
            QVERIFY2(!r.ok(), "a document that must be refused was accepted");
            QVERIFY2(r.error.contains(QLatin1String(e.digestOrError)), qPrintable(r.error));
            return;
        }
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.manifest.digest, QLatin1String(e.digestOrError));
        QCOMPARE(manifestKindName(r.manifest.kind), manifestKindName(e.kind));
        QCOMPARE(artifactClassName(r.manifest.artifactClass), artifactClassName(e.artifact));
        QCOMPARE(int(r.manifest.children.size()), e.children);
        QCOMPARE(r.manifest.subject.has_value(), e.subject);
        QCOMPARE(r.manifest.rawSize, qint64(raw.size()));
        if (e.kind == ManifestKind::Unknown)
            QVERIFY2(!r.manifest.warnings.isEmpty(), "an opaque manifest must say why it is opaque");
    }

    void hashesRawBytesNotReserialisedJson()
    {
        // The BOM/CRLF variant parses to the same content but must keep its own digest.
        const ManifestParseResult a = parseManifest(readFixture(QStringLiteral("oci-image-manifest.json")));
        const ManifestParseResult b = parseManifest(readFixture(QStringLiteral("gen-bom-crlf.json")));
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a.manifest.layers.size(), b.manifest.layers.size());
        QVERIFY(a.manifest.digest != b.manifest.digest);
    }

    void contentTypeDecidesWhenBodyIsSilent()
    {
        const QByteArray raw = readFixture(QStringLiteral("edge-oci-manifest-missing-mediatype.json"));
        const auto r = parseManifest(raw, "application/vnd.oci.image.manifest.v1+json; charset=utf-8");
        QVERIFY(r.ok());
        QCOMPARE(r.manifest.mediaType, QLatin1String(mediatype::OciManifest));
        // A Content-Type that contradicts the body is refused.
        const auto bad = parseManifest(readFixture(QStringLiteral("oci-image-manifest.json")), mediatype::DockerManifest);
        QVERIFY(!bad.ok());
        QVERIFY(bad.error.contains(QStringLiteral("Content-Type")));
        // Generic types say nothing.
        QVERIFY(parseManifest(readFixture(QStringLiteral("oci-image-manifest.json")), "application/json").ok());
    }

    void platformsSkipAttestations()
    {
        const auto r = parseManifest(readFixture(QStringLiteral("oci-index-buildkit-attestations.json")));
        QVERIFY(r.ok());
        const QList<Platform> p = r.manifest.platforms();
        QCOMPARE(p.size(), 2);
        QCOMPARE(p[0].toString(), QStringLiteral("linux/amd64"));
        QCOMPARE(p[1].toString(), QStringLiteral("linux/arm64"));
        const auto list = parseManifest(readFixture(QStringLiteral("docker-manifest-list.json")));
        QVERIFY(list.manifest.platforms().size() == 5);
        QVERIFY(list.manifest.children[0].platform.has_value());
    }

    void referrerLoopIsJustData()
    {
        const auto r = parseManifest(readFixture(QStringLiteral("edge-oci-index-referrer-loop.json")));
        QVERIFY(r.ok());
        QCOMPARE(r.manifest.subject->digest, r.manifest.children[0].digest);
    }

    void schema1PayloadIsTheUnsignedDocument()
    {
        const QByteArray signedRaw = readFixture(QStringLiteral("docker-v2s1-signed-manifest.json"));
        QString err;
        const auto payload = schema1CanonicalPayload(signedRaw, &err);
        QVERIFY2(payload.has_value(), qPrintable(err));
        QCOMPARE(*payload, readFixture(QStringLiteral("edge-v2s1-unsigned.json")));
    }

    void sizesAdded()
    {
        const auto r = parseManifest(readFixture(QStringLiteral("oci-image-manifest.json")));
        qint64 sum = r.manifest.config->size;
        for (const auto &l : r.manifest.layers)
            sum += l.size;
        QVERIFY(sum > 0);
        QCOMPARE(r.manifest.contentSize, sum);
    }
};

FERRY_TEST_MAIN(TestManifest)
#include "tst_manifest.moc"
