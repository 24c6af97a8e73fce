// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "exportdialog.h"

#include "reportdoc/reportdocument.h"

#include "storeworker.h"
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QTextBrowser>
#include <QTimeZone>
#include <QVBoxLayout>

namespace ferry {

ExportDialog::ExportDialog(const Workspace *workspace, QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace)
    , m_format(new QComboBox(this))
    , m_period(new QComboBox(this))
    , m_top(new QSpinBox(this))
    , m_sections(new QListWidget(this))
    , m_preview(new QTextBrowser(this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
{
    setWindowTitle(tr("Export a status report"));
    m_format->addItem(tr("Markdown (merge requests)"), QStringLiteral("md"));
    m_format->addItem(tr("HTML (self-contained)"), QStringLiteral("html"));
    m_format->addItem(tr("PDF (paged, with charts)"), QStringLiteral("pdf"));
    m_format->addItem(tr("CSV (every tag in every registry)"), QStringLiteral("csv"));
    m_format->addItem(tr("JSON (ferry.report/v1)"), QStringLiteral("json"));
    m_period->addItem(tr("Last 24 hours"), 1);
    m_period->addItem(tr("Last 7 days"), 7);
    m_period->addItem(tr("Last 30 days"), 30);
    m_period->addItem(tr("Everything"), 0);
    m_period->setCurrentIndex(1);
    m_top->setRange(5, 100'000);
    m_top->setValue(50);
    m_progress->setVisible(false);
    auto *form = new QFormLayout;
    form->addRow(tr("Format"), m_format);
    form->addRow(tr("Period"), m_period);
    form->addRow(tr("Rows per list"), m_top);
    for (const QString &sec : reportSections()) {
        auto *item = new QListWidgetItem(sec, m_sections);
        item->setCheckState(Qt::Checked);
    }
    m_sections->setFlow(QListView::LeftToRight);
    m_sections->setWrapping(true);
    m_sections->setMaximumHeight(56);
    m_sections->setToolTip(tr("Sections of Markdown, HTML and PDF; CSV and JSON always hold everything"));
    form->addRow(tr("Sections"), m_sections);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_save = buttons->addButton(tr("Export…"), QDialogButtonBox::AcceptRole);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Preview"), this));
    layout->addWidget(m_preview, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(820, 640);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_save, &QPushButton::clicked, this, [this] {
        const QString format = m_format->currentData().toString();
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the report"), QStringLiteral("ferry-status.%1").arg(format));
        if (!path.isEmpty())
            exportTo(path, format, m_period->currentData().toInt());
    });
    connect(m_period, &QComboBox::currentIndexChanged, this, &ExportDialog::refreshPreview);
    connect(m_top, &QSpinBox::valueChanged, this, &ExportDialog::refreshPreview);
    connect(m_sections, &QListWidget::itemChanged, this, &ExportDialog::refreshPreview);
    connect(&m_previewWatcher, &QFutureWatcher<ReportData>::finished, this, [this] {
        m_preview->setMarkdown(QString::fromUtf8(reportMarkdown(m_previewWatcher.result(), m_top->value(), sections())));
        Q_EMIT previewReady();
    });
    connect(&m_exportWatcher, &QFutureWatcher<QString>::finished, this, [this] {
        QString error = m_exportWatcher.result();
        const QString path = m_pending;
        m_progress->setVisible(false);
        m_save->setEnabled(true);
        m_status->setText(error.isEmpty() ? tr("Wrote %1.").arg(path) : tr("Could not write %1: %2").arg(path, error));
        Q_EMIT exported(path, error.isEmpty());
    });
    refreshPreview();
}

ExportDialog::~ExportDialog()
{
    m_previewWatcher.waitForFinished();
    m_exportWatcher.waitForFinished();
}

QDateTime ExportDialog::since(int days) const
{
    return days > 0 ? QDateTime::currentDateTimeUtc().addDays(-days) : QDateTime::fromMSecsSinceEpoch(0, QTimeZone::utc());
}

void ExportDialog::refreshPreview()
{
    if (m_previewWatcher.isRunning())
        return;
    const QDateTime from = since(m_period->currentData().toInt());
    const int top = m_top->value();
    m_previewWatcher.setFuture(m_workspace->reportData(from, top));
}

QString ExportDialog::previewText() const
{
    return m_preview->toPlainText();
}

QStringList ExportDialog::sections() const
{
    QStringList out;
    for (int i = 0; i < m_sections->count(); ++i)
        if (m_sections->item(i)->checkState() == Qt::Checked)
            out << m_sections->item(i)->text();
    return out.size() == m_sections->count() ? QStringList() : out;
}

void ExportDialog::setSections(const QStringList &sections)
{
    for (int i = 0; i < m_sections->count(); ++i)
        m_sections->item(i)->setCheckState(sections.isEmpty() || sections.contains(m_sections->item(i)->text()) ? Qt::Checked
                                                                                                                : Qt::Unchecked);
}

QString ExportDialog::status() const
{
    return m_status->text();
}

void ExportDialog::exportTo(const QString &path, const QString &format, int days)
{
    if (m_exportWatcher.isRunning())
        return;
    m_pending = path;
    m_save->setEnabled(false);
    m_progress->setVisible(true);
    m_progress->setRange(0, 0);
    m_status->setText(tr("Exporting…"));
    const QDateTime from = since(days);
    const int top = m_top->value();
    const QStringList sections = this->sections();
    QPointer<ExportDialog> self(this);
    if (format == u"html" || format == u"pdf") {
        // The data on a worker, the charts (QGraphicsScene) here.
        auto data = std::make_shared<ReportData>();
        m_exportWatcher.setFuture(m_workspace
                                      ->read(
                                          [from, data, top](Store &store) {
                                              *data = collectReport(store, from, top);
                                              return QString();
                                          },
                                          [](const QString &error) { return error; })
                                      .then(this, [path, format, data, top, sections](const QString &error) {
                                          if (!error.isEmpty())
                                              return error;
                                          if (format == u"pdf")
                                              return writeReportPdf(*data, path, top, sections) > 0
                                                  ? QString()
                                                  : QStringLiteral("the PDF could not be written");
                                          QSaveFile f(path);
                                          if (!f.open(QIODevice::WriteOnly))
                                              return f.errorString();
                                          f.write(reportHtml(*data, top, sections));
                                          return f.commit() ? QString() : f.errorString();
                                      }));
        return;
    }
    m_exportWatcher.setFuture(m_workspace->read(
        [from, path, format, top, sections, self](Store &store) {
            QSaveFile f(path);
            if (!f.open(QIODevice::WriteOnly))
                return f.errorString();
            if (format == u"csv") {
                writeReportCsv(store, &f, [self](qint64 done, qint64 total) {
                    QMetaObject::invokeMethod(
                        self,
                        [self, done, total] {
                            if (!self)
                                return;
                            self->m_progress->setRange(0, int(qMin<qint64>(total, INT_MAX)));
                            self->m_progress->setValue(int(qMin<qint64>(done, INT_MAX)));
                            self->m_status->setText(tr("Exporting: %L1 of %L2 rows").arg(done).arg(total));
                        },
                        Qt::QueuedConnection);
                });
            } else {
                const ReportData d = collectReport(store, from, format == u"json" ? -1 : top);
                f.write(format == u"json" ? reportJson(d) : reportMarkdown(d, top, sections));
            }
            return f.commit() ? QString() : f.errorString();
        },
        [](const QString &error) { return error; }));
}

} // namespace ferry
