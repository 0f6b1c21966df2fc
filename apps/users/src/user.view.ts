import { LinkedVpa, User } from './user';

export interface UserView {
  id: string;
  name: string;
  phone: string;
  createdAt: string;
}

export interface VpaView {
  vpa: string;
  linkedAt: string;
}

export interface MeView {
  id: string;
  name: string;
  phone: string;
  roles: string[];
  vpas: VpaView[];
}

export const toUserView = (user: User): UserView => ({
  id: user.id,
  name: user.name,
  phone: user.phone,
  createdAt: user.createdAt.toISOString(),
});

export const toVpaView = (link: LinkedVpa): VpaView => ({ vpa: link.vpa, linkedAt: link.linkedAt.toISOString() });

export const toMeView = (user: User, vpas: LinkedVpa[]): MeView => ({
  id: user.id,
  name: user.name,
  phone: user.phone,
  roles: user.roles,
  vpas: vpas.map(toVpaView),
});
