// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "manifestmodel.h"
#include "parse/manifest.h"
#include "testmain.h"

#include <QAbstractItemModelTester>

using namespace ferry;

class TestManifestModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void indexRows()
    {
        const QByteArray raw = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":10,"platform":{"os":"linux","architecture":"amd64"}},
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222","size":20,"platform":{"os":"unknown","architecture":"unknown"}}]})";
        const auto parsed = parseManifest(raw);
        QVERIFY(parsed.ok());
        ManifestModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setManifest(parsed.manifest);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(ManifestModel::NumColumns));
        QCOMPARE(model.index(0, ManifestModel::PlatformColumn).data().toString(), QStringLiteral("linux/amd64"));
        QCOMPARE(model.index(1, ManifestModel::PartColumn).data().toString(), QStringLiteral("attestation"));
        QCOMPARE(model.index(1, ManifestModel::PlatformColumn).data().toString(), QString());
        QCOMPARE(model.index(1, ManifestModel::SizeColumn).data(ManifestModel::SortRole).toLongLong(), 20);
        QCOMPARE(model.index(0, 0).data(ManifestModel::DigestRole).toString(), QStringLiteral("sha256:") + QString(64, u'1'));
    }

    void imageRows()
    {
        const QByteArray raw = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
            "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:3333333333333333333333333333333333333333333333333333333333333333","size":5},
            "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:4444444444444444444444444444444444444444444444444444444444444444","size":7}],
            "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:5555555555555555555555555555555555555555555555555555555555555555","size":9}})";
        ManifestModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setManifest(parseManifest(raw).manifest);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, ManifestModel::PartColumn).data().toString(), QStringLiteral("config"));
        QCOMPARE(model.index(1, ManifestModel::PartColumn).data().toString(), QStringLiteral("layer"));
        QCOMPARE(model.index(2, ManifestModel::PartColumn).data().toString(), QStringLiteral("subject"));
        model.setManifest(Manifest{});
        QCOMPARE(model.rowCount(), 0);
    }
};

FERRY_TEST_MAIN(TestManifestModel)
#include "tst_manifestmodel.moc"
