// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "gui/welcomepage.h"

#include "plan/plan.h"

#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QStandardPaths>
#include <QVBoxLayout>

#include <csignal>
#include <unistd.h>

namespace ferry {

namespace {

QPushButton *choice(const QString &icon, const QString &title, const QString &text, QWidget *parent)
{
    auto *b = new QPushButton(QIcon(QStringLiteral(":/ferry/icons/%1.svg").arg(icon)), title + u'\n' + text, parent);
    b->setIconSize(QSize(32, 32));
    b->setMinimumHeight(64);
    b->setStyleSheet(QStringLiteral("QPushButton { text-align: left; padding: 8px 16px; }"));
    return b;
}

// ferryctl beside this binary (installed, or the build tree), else on PATH; FERRYCTL overrides.
QString ferryctlProgram()
{
    if (qEnvironmentVariableIsSet("FERRYCTL"))
        return qEnvironmentVariable("FERRYCTL");
    const QString beside = QStandardPaths::findExecutable(QStringLiteral("ferryctl"), {QCoreApplication::applicationDirPath()});
    return beside.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("ferryctl")) : beside;
}

} // namespace

WelcomePage::WelcomePage(QWidget *parent)
    : QWidget(parent)
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("welcome"));
    auto *title = new QLabel(tr("<h2>Welcome to Ferry</h2>"
                                "<p>Ferry follows a registry migration to the digest: which registry holds which digest of every "
                                "image and tag, how far replicas lag, which cleanups wait for approval. It starts from a "
                                "<b>plan</b>: the registries and what moves between them.</p>"),
                             this);
    title->setWordWrap(true);
    auto *open = choice(QStringLiteral("document-open"), tr("Open a plan…"), tr("A plan you or a colleague wrote (YAML)."), this);
    auto *import = choice(QStringLiteral("images"), tr("Import a retagger or skopeo sync file…"),
                          tr("Write a first plan from the images retagger or skopeo sync copies today."), this);
    m_demoButton = choice(QStringLiteral("overview"), tr("Start the demo"),
                          tr("Local registries playing a migration, on this machine only; they stop when Ferry closes."), this);
    open->setObjectName(QStringLiteral("welcome-open"));
    import->setObjectName(QStringLiteral("welcome-import"));
    m_demoButton->setObjectName(QStringLiteral("welcome-demo"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *box = new QVBoxLayout;
    box->addWidget(title);
    box->addSpacing(12);
    box->addWidget(open);
    box->addWidget(import);
    box->addWidget(m_demoButton);
    box->addSpacing(12);
    box->addWidget(m_status);
    box->addStretch();
    auto *column = new QWidget(this);
    column->setLayout(box);
    column->setMaximumWidth(760); // lines a reader can follow
    auto *outer = new QHBoxLayout(this);
    outer->addStretch();
    outer->addWidget(column, 1);
    outer->addStretch();
    box->setContentsMargins(0, 48, 0, 0);
    connect(open, &QPushButton::clicked, this, &WelcomePage::openPlanRequested);
    connect(import, &QPushButton::clicked, this, &WelcomePage::askImport);
    connect(m_demoButton, &QPushButton::clicked, this, [this] { startDemo(); });
}

WelcomePage::~WelcomePage()
{
    if (demoRunning()) {
        const qint64 group = m_demo->processId(); // the demo leads a process group of its own
        m_demo->disconnect(this);
        m_demo->terminate(); // the demo stops its registries on SIGTERM
        if (!m_demo->waitForFinished(15000))
            m_demo->kill();
        // Whatever of it is left (a demo killed before it stopped its registries) goes too.
        ::kill(pid_t(-group), SIGKILL);
    }
}

bool WelcomePage::demoRunning() const
{
    return m_demo && m_demo->state() != QProcess::NotRunning;
}

qint64 WelcomePage::demoPid() const
{
    return demoRunning() ? m_demo->processId() : 0;
}

QString WelcomePage::status() const
{
    return m_status->text();
}

void WelcomePage::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

bool WelcomePage::importSkopeoSync(const QString &syncPath, const QString &targetHost, const QString &prefix, const QString &planPath,
                                   QString *error)
{
    const auto yaml = planFromSkopeoSync(syncPath, targetHost, prefix, error);
    if (!yaml)
        return false;
    QFile f(planPath);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(*yaml) != yaml->size() || !f.flush()) {
        *error = tr("cannot write %1: %2").arg(planPath, f.errorString());
        return false;
    }
    f.close();
    if (!Plan::load(planPath, error))
        return false;
    Q_EMIT planReady(planPath, true);
    return true;
}

void WelcomePage::askImport()
{
    const QString sync = QFileDialog::getOpenFileName(this, tr("A retagger or skopeo sync file"), QString(), tr("YAML (*.yaml *.yml)"));
    if (sync.isEmpty())
        return;
    QDialog dialog(this);
    dialog.setWindowTitle(tr("The target registry"));
    auto *form = new QFormLayout(&dialog);
    auto *host = new QLineEdit(&dialog);
    host->setPlaceholderText(QStringLiteral("myregistry.azurecr.io"));
    auto *prefix = new QLineEdit(&dialog);
    prefix->setPlaceholderText(QStringLiteral("giantswarm"));
    form->addRow(tr("Target registry (host):"), host);
    form->addRow(tr("Path prefix in the target:"), prefix);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QFileInfo fi(sync);
    const QString plan = QFileDialog::getSaveFileName(this, tr("Save the plan"), fi.absoluteDir().filePath(QStringLiteral("plan.yaml")),
                                                      tr("Plans (*.yaml *.yml)"));
    if (plan.isEmpty())
        return;
    QString error;
    if (!importSkopeoSync(sync, host->text(), prefix->text(), plan, &error))
        QMessageBox::warning(this, tr("No plan was written"), error);
}

void WelcomePage::startDemo(const QString &workdir)
{
    if (demoRunning())
        return;
    const QString ferryctl = ferryctlProgram();
    if (ferryctl.isEmpty()) {
        setStatus(tr("ferryctl is not installed beside ferry, nor on PATH: the demo starts from it."), true);
        return;
    }
    delete m_demo;
    m_demo = new QProcess(this);
    m_demoOutput.clear();
    m_planSeen = false;
    m_demo->setProcessChannelMode(QProcess::MergedChannels);
    m_demo->setChildProcessModifier([] { ::setpgid(0, 0); }); // its registries in its group, to stop them all
    connect(m_demo, &QProcess::readyRead, this, &WelcomePage::onDemoOutput);
    connect(m_demo, &QProcess::finished, this, [this](int code, QProcess::ExitStatus) {
        const QString last = m_demoOutput.trimmed().section(u'\n', -4);
        setStatus(tr("The demo stopped (exit %1). Its last words:\n%2").arg(code).arg(last), true);
        if (m_planSeen) // the window shows the demo's plan: say it there
            Q_EMIT demoSaid(tr("stopped (exit %1): %2").arg(code).arg(last.section(u'\n', -1)));
        m_demoButton->setEnabled(true);
    });
    connect(m_demo, &QProcess::errorOccurred, this, [this, ferryctl](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            setStatus(tr("%1 could not be started: %2").arg(ferryctl, m_demo->errorString()), true);
    });
    m_demoButton->setEnabled(false);
    setStatus(tr("Starting the demo's registries (about half a minute)…"));
    QStringList args{QStringLiteral("demo"), QStringLiteral("--serve")};
    if (!workdir.isEmpty())
        args << QStringLiteral("--workdir") << workdir;
    m_demo->start(ferryctl, args);
}

void WelcomePage::onDemoOutput()
{
    while (m_demo->canReadLine()) {
        const QString line = QString::fromUtf8(m_demo->readLine()).trimmed();
        m_demoOutput += line + u'\n';
        static const QString planTag = QStringLiteral("[demo] plan: ");
        if (line.startsWith(planTag) && !m_planSeen) {
            m_planSeen = true;
            setStatus(tr("The demo's registries answer; the story plays in the window."));
            Q_EMIT planReady(line.mid(planTag.size()), false);
        } else if (line.startsWith(u"[demo]")) {
            if (m_planSeen)
                Q_EMIT demoSaid(line.mid(7));
            else
                setStatus(line.mid(7));
        }
    }
}

} // namespace ferry
