FROM rockylinux:9
RUN cat > /etc/yum.repos.d/internal.repo <<'REPO'
[internal]
baseurl=https://repo.internal/el9
gpgcheck=0
REPO
